export { OrderConfirmationPage as Component } from '@/features/account/components/OrderPages';
