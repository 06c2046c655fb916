import { createContext, useContext } from 'react';

export type CategoryOption = { slug: string; label: string };

/** What the app hands the portal: the categories a product may go in. */
export const PortalContext = createContext<{ categories: CategoryOption[] }>({ categories: [] });

export const usePortal = () => useContext(PortalContext);
