// Lab fixture passwords, looked up by user so that no spec carries one as a literal: Playwright copies
// a failed spec's source into test-results/…/error-context.md, and the secret scan
// (test/scan-secrets.ts) rightly fails on any password in test artifacts.
import { defaultFinesseUsers } from '../../../lab/finesse/fixture.ts';
import { defaultUsers } from '../../../lab/icws/fixture.ts';

/** The password a lab user types into Patchbay's sign-in form (ICWS, Finesse Basic, GWS basic). */
export function labPassword(userName: string): string {
  const found = defaultUsers().find((u) => u.userId === userName)?.password ?? defaultFinesseUsers('UCCE').concat(defaultFinesseUsers('UCCX')).find((u) => u.loginName === userName)?.password;
  if (!found) throw new Error(`no lab user ${userName}`);
  return found;
}

/** The password an SSO lab user types on the lab IdP's page (Finesse SSO users). */
export function idpPassword(loginName: string): string {
  const found = defaultFinesseUsers('UCCE').concat(defaultFinesseUsers('UCCX')).find((u) => u.loginName === loginName)?.idpPassword;
  if (!found) throw new Error(`no lab IdP user ${loginName}`);
  return found;
}
