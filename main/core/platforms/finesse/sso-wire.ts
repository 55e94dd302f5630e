// Finesse SSO wire (protocols/finesse.md §2): the `/desktop/sso/token` JSON and its URLs and bodies.
// Every parser throws a typed PatchbayError (`finesse.sso.bad-token`), never a raw one, and never
// carries a token value.
import { z } from 'zod';
import { PatchbayError } from '../../errors.ts';

// SSO token JSON (§2, FIN-08)
const SsoTokenSchema = z
  .object({
    token: z.string().min(1),
    refresh_token: z.string().min(1).optional(),
    expires_in: z.coerce.number().int().positive(),
    user_id: z.string().min(1).optional(),
    realm: z.string().optional(),
    user_principal: z.string().optional(),
  })
  .loose();

export interface SsoToken {
  token: string;
  refreshToken?: string;
  expiresIn: number;
  userId?: string;
  realm?: string;
  userPrincipal?: string;
}

/** The `/desktop/sso/token` JSON — not RFC 6749: `token`, not `access_token` (§2). */
export function parseSsoToken(body: string): SsoToken {
  const bad = (reason: string) =>
    new PatchbayError('finesse.sso.bad-token', `The sign-in service answered with ${reason} instead of a token.`, {
      action: 'contact-it',
      details: { reason },
    });
  const trimmed = body.trim();
  if (trimmed.startsWith('<')) throw bad('a web page');
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw bad('text that is not JSON');
  }
  const parsed = SsoTokenSchema.safeParse(json);
  if (!parsed.success) {
    // Name the missing field, never its value.
    const field = parsed.error.issues[0]?.path.join('.') || 'root';
    throw new PatchbayError('finesse.sso.bad-token', `The sign-in service answered without a usable token (field ${field}).`, {
      action: 'contact-it',
      details: { field },
    });
  }
  const t = parsed.data;
  return { token: t.token, refreshToken: t.refresh_token, expiresIn: t.expires_in, userId: t.user_id, realm: t.realm, userPrincipal: t.user_principal };
}

/** The `exp` claim (seconds, server clock) of a JWT, read without verifying it — used only to
 *  schedule (the IdS signs; the Finesse server verifies). Undefined when it is not a JWT. */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ SSO URLs and bodies (§2)
/** `<origin>/desktop/sso/token?cc_username=…&return_refresh_token=true` (FIN-07, FIN-08); in the
 *  older-release cookie mode (FIN-15) the user travels in a cookie instead. */
export function ssoTokenUrl(origin: string, userName: string, userIn: 'query' | 'cookie' = 'query'): string {
  const url = new URL('/desktop/sso/token', origin);
  if (userIn === 'query') url.searchParams.set('cc_username', userName);
  url.searchParams.set('return_refresh_token', 'true');
  return url.href;
}

/** [TAC] refresh: `GET …/desktop/sso/token?cc_username=<user>&refresh-token=<refresh>` (FIN-13). */
export function ssoRefreshGetUrl(origin: string, userName: string, refreshToken: string): string {
  const url = new URL('/desktop/sso/token', origin);
  url.searchParams.set('cc_username', userName);
  url.searchParams.set('refresh-token', refreshToken);
  return url.href;
}

/** [DG125 193] refresh: `POST …/desktop/sso/token`, form body `token=…&refresh-token=…`. */
export function ssoRefreshPostBody(accessToken: string, refreshToken: string): string {
  return new URLSearchParams({ token: accessToken, 'refresh-token': refreshToken }).toString();
}
