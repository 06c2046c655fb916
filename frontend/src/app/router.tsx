import { lazy, type ComponentType } from 'react';
import { Route, Routes } from 'react-router';
import { RootLayout } from './RootLayout';
import { NotFound } from './RouteError';

// Route modules export `Component`; each becomes its own chunk, so the home and listing
// pages ship only what they use. (Declarative routing keeps React Router's data-router
// code, about 18 kB gzip, out of the initial bundle.)
const page = (load: () => Promise<{ Component: ComponentType }>) =>
  lazy(() => load().then((module) => ({ default: module.Component })));

const Home = page(() => import('./routes/home'));
const Products = page(() => import('./routes/products'));
const Product = page(() => import('./routes/product'));
const Search = page(() => import('./routes/search'));
const Cart = page(() => import('./routes/cart'));
const Checkout = page(() => import('./routes/checkout'));
const Confirmation = page(() => import('./routes/confirmation'));
const Order = page(() => import('./routes/order'));
const Login = page(() => import('./routes/login'));
const Register = page(() => import('./routes/register'));
const ForgotPassword = page(() => import('./routes/forgot-password'));
const ResetPassword = page(() => import('./routes/reset-password'));
const VerifyEmail = page(() => import('./routes/verify-email'));
const Account = page(() => import('./routes/account'));
const Vendor = page(() => import('./routes/vendor'));
const VendorStore = page(() => import('./routes/vendor-store'));

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<RootLayout />}>
        <Route index element={<Home />} />
        <Route path="products" element={<Products />} />
        <Route path="products/:slug" element={<Product />} />
        <Route path="search" element={<Search />} />
        <Route path="cart" element={<Cart />} />
        <Route path="checkout" element={<Checkout />} />
        <Route path="checkout/confirmation/:number" element={<Confirmation />} />
        <Route path="orders/:number" element={<Order />} />
        <Route path="login" element={<Login />} />
        <Route path="register" element={<Register />} />
        <Route path="forgot-password" element={<ForgotPassword />} />
        <Route path="reset-password" element={<ResetPassword />} />
        <Route path="verify-email" element={<VerifyEmail />} />
        <Route path="account/*" element={<Account />} />
        <Route path="vendor/*" element={<Vendor />} />
        <Route path="vendors/:slug" element={<VendorStore />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
