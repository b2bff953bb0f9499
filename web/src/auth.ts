import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { Me } from './types.ts';

export const ME_KEY = ['auth', 'me'] as const;

/** The signed-in user (GET /auth/me); a 401 ends up as an error with status 401. */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: () => api.get<Me>('/auth/me'), staleTime: 60_000 });
}
