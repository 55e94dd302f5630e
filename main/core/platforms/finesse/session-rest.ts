// The Finesse session's authenticated REST call (protocols/finesse.md §4): on the node in use, with
// Basic or Bearer (FIN-11), one renewal and retry after a refused Bearer token (issue 13 item 2).
import { toPatchbayError, type PatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { HttpSession } from '../../net/http-session.ts';
import type { HttpResponse } from '../../net/types.ts';
import type { PlatformContext } from '../platform.ts';
import type { FinesseCredentials } from './credentials.ts';
import { restError, restRequest, type RestOptions } from './rest.ts';

export interface RestDeps {
  auth: FinesseCredentials;
  origin(): string;
  /** The node did not answer (unreachable, timeout). */
  onNodeGone(error: PatchbayError): void;
  /** A 401 means the sign-in is gone. */
  onSignInLost(error: PatchbayError): void;
}

export async function sessionRest(http: HttpSession, deps: RestDeps, method: 'GET' | 'PUT' | 'POST', path: string, body?: string, options: RestOptions = {}): Promise<HttpResponse> {
  const send = async (authorization: string): Promise<HttpResponse> => {
    try {
      return await http.request(restRequest(deps.origin(), method, path, authorization, body, options));
    } catch (error) {
      const typed = toPatchbayError(error);
      // The node may be gone: let the channel's reconnect checks decide on a failover.
      if (typed.code === 'net.unreachable' || typed.code === 'net.timeout') deps.onNodeGone(typed);
      throw typed;
    }
  };
  const authorization = await deps.auth.authorization();
  let res = await send(authorization);
  // Issue 13 item 2: a refused Bearer token gets one renewal and one retry, never more.
  if (res.status === 401 && (await deps.auth.renewAfterRefusal(authorization))) res = await send(await deps.auth.authorization());
  const error = restError(res, options.unauthorized === 'sign-in' && deps.auth.kind === 'basic');
  if (error) {
    if (res.status === 401) deps.onSignInLost(error);
    throw error;
  }
  return res;
}

/** The profile's HttpSession: the core's network set-up (CA bundle, proxy) and the agent's language. */
export function sessionHttp(context: PlatformContext, log: Logger): HttpSession {
  return (
    context.createHttpSession?.() ??
    new HttpSession({
      profileId: context.profile.id,
      log,
      clock: context.clock,
      ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
      ...(context.acceptLanguage ? { acceptLanguage: context.acceptLanguage } : {}), // issue 13 item 11
    })
  );
}
