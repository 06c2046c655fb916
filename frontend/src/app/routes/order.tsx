export { OrderPage as Component } from '@/features/account/components/OrderPages';
