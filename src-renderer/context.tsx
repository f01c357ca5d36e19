// The store reaches components through context so tests and the two transports share one App.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ChuteActions, ChuteState, ChuteStore } from './store';

export const StoreContext = createContext<ChuteStore | null>(null);

export function useChuteStore(): ChuteStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useChute needs a <StoreContext.Provider>');
  return store;
}

export function useChute<T>(selector: (state: ChuteState & ChuteActions) => T): T {
  return useStore(useChuteStore(), selector);
}
