// Finesse user reads (protocols/finesse.md §4): the User (FIN-10 loginId), its reason codes by
// category, its dialogs. Each takes the session's authenticated REST call.
import type { HttpResponse } from '../../net/types.ts';
import { okBody, type RestOptions } from './rest.ts';
import { parseDialogs, parseReasonCodes, parseUser, userPath, type FinesseUser, type ReasonCode } from './wire.ts';

export type Rest = (method: 'GET' | 'PUT' | 'POST', path: string, body?: string, options?: RestOptions) => Promise<HttpResponse>;

export async function fetchUser(rest: Rest, id: string, options?: RestOptions): Promise<FinesseUser> {
  const res = await rest('GET', userPath(id), undefined, options);
  return parseUser(okBody(res, 'finesse.user.failed', 'Finesse did not return your user.'));
}

/** NOT_READY and LOGOUT reason codes; a 404 means none are configured. */
export async function fetchReasonCodes(rest: Rest, id: string): Promise<{ notReady: ReasonCode[]; logout: ReasonCode[] }> {
  const read = async (category: 'NOT_READY' | 'LOGOUT') => {
    const res = await rest('GET', `${userPath(id)}/ReasonCodes?category=${category}`);
    if (res.status === 404) return [];
    return parseReasonCodes(okBody(res, 'finesse.reason-codes.failed', 'Finesse did not return the reason codes.'));
  };
  const [notReady, logout] = await Promise.all([read('NOT_READY'), read('LOGOUT')]);
  return { notReady, logout };
}

export async function fetchDialogs(rest: Rest, id: string) {
  const res = await rest('GET', `${userPath(id)}/Dialogs`);
  return parseDialogs(okBody(res, 'finesse.dialogs.failed', 'Finesse did not return your calls.'));
}
