import { createContext, useContext } from 'react';
import type { StationApi } from '../src-shared/station-api';

export const ApiContext = createContext<StationApi | null>(null);

export function useChuteApi(): StationApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useChuteApi needs an <ApiContext.Provider>');
  return api;
}
