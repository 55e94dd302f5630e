// What a Finesse session signs its requests with, held in the main process only (never logged,
// never in a view): the Basic header and password, or the SSO TokenKeeper and the refresh token.
import type { TokenKeeper } from '../../auth/token-keeper.ts';
import { PatchbayError } from '../../errors.ts';
import type { ResumeData } from './resume.ts';
import type { SsoContext } from './sso.ts';
import { basicAuthorization } from './wire.ts';

type Auth = { kind: 'basic'; header: string; password: string } | { kind: 'sso'; keeper: TokenKeeper; ctx: SsoContext };

export class FinesseCredentials {
  private auth: Auth | undefined;
  /** The latest refresh token (SSO), for the keychain (CARD-02). */
  refreshToken: string | undefined;

  get kind(): 'basic' | 'sso' | undefined {
    return this.auth?.kind;
  }

  useBasic(userName: string, password: string): void {
    this.auth = { kind: 'basic', header: basicAuthorization(userName, password), password };
  }

  /** The keeper of a new SSO grant replaces (and stops) the one before. */
  useKeeper(keeper: TokenKeeper, ctx: SsoContext): void {
    this.stopKeeper();
    this.auth = { kind: 'sso', keeper, ctx };
  }

  stopKeeper(): void {
    if (this.auth?.kind === 'sso') this.auth.keeper.stop();
  }

  private require(): Auth {
    if (!this.auth) throw new PatchbayError('session.not-active', 'Sign in first.', { action: 'sign-in-again' });
    return this.auth;
  }

  /** FIN-11: Bearer <access token>; the keeper never hands out an expired one (FIN-12). */
  async authorization(): Promise<string> {
    const auth = this.require();
    return auth.kind === 'basic' ? auth.header : `Bearer ${await auth.keeper.accessToken()}`;
  }

  /** SSO: the access token as the SASL PLAIN password (§5 INFERRED). */
  async xmppPassword(): Promise<string> {
    const auth = this.require();
    return auth.kind === 'basic' ? auth.password : auth.keeper.accessToken();
  }

  /** Issue 13 item 2: after a 401 on a Bearer request, one renewal through the refresh grant. True
   *  when a different access token is now held (worth one retry); false for Basic or a failed renewal. */
  async renewAfterRefusal(refused: string): Promise<boolean> {
    if (this.auth?.kind !== 'sso') return false;
    const keeper = this.auth.keeper;
    await keeper.refreshNow().catch(() => undefined);
    const now = await keeper.accessToken().catch(() => undefined);
    return now !== undefined && `Bearer ${now}` !== refused;
  }

  /** FIN-14: a new sign-in on a live session, the agent's state untouched. */
  renewInteractively(): Promise<boolean> {
    return this.auth?.kind === 'sso' ? this.auth.keeper.renewInteractively() : Promise.resolve(false);
  }

  get stats() {
    return this.auth?.kind === 'sso' ? this.auth.keeper.stats : undefined;
  }

  /** The keychain entry: the refresh token plus the non-secret facts to resume (SSO only). */
  resumeData(extension: string | undefined): ResumeData | undefined {
    if (this.auth?.kind !== 'sso' || !this.refreshToken) return undefined;
    return { v: 1, refreshToken: this.refreshToken, userName: this.auth.ctx.userName, ...(extension ? { extension } : {}) };
  }

  clear(): void {
    this.stopKeeper();
    this.auth = undefined;
  }
}
