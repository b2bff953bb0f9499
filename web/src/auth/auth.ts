import { useQuery } from '@tanstack/react-query';
import type { NavigateFunction } from 'react-router-dom';
import { api } from '../api.ts';
import type { MeView } from '../../../src/app/auth/get-me.ts';
import type { PendingStep } from '../../../src/app/auth/sign-in-steps.ts';

export type { MeView, PendingStep };

export const ME_KEY = ['auth', 'me'] as const;

/** The signed-in user (GET /auth/me); a 401 ends up as an error with status 401. */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: () => api.get<MeView>('/auth/me'), staleTime: 60_000 });
}

/** Where each pending sign-in step is taken (the server refuses everything else meanwhile). */
export const STEP_PATHS: Record<PendingStep, string> = {
  second_factor: '/login/verify',
  change_password: '/change-password',
  enrol_two_factor: '/two-factor/enrol',
};

/** After a sign-in step: the next step's page, or where the user was going. */
export function goOn(navigate: NavigateFunction, next: PendingStep | null, from?: string) {
  if (next) navigate(STEP_PATHS[next], { replace: true, state: { from } });
  else navigate(from && !from.startsWith('/login') ? from : '/', { replace: true });
}
