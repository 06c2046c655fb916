export { ProductListPage as Component } from '@/features/catalog/components/ProductListPage';
