export { VendorStorePage as Component } from '@/features/catalog/components/VendorStorePage';
