// GWS authentication, client side (seed 002 GWS-02/03/05; protocols/gws.md §1): the pure steps of
// auth.ts, each branch pinned so a changed rule fails here (issue 9 mutation testing).
import { describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../../../main/core/platforms/gws/api.ts';
import { allowedHosts, anonymousError, basicAuthorization, checkSignedIn, DEFAULT_SALESFORCE_SCOPE, DEFAULT_SSO_TIMEOUT_MS, methodOf, salesforceHeaders } from '../../../../../main/core/platforms/gws/auth.ts';
import { thrown } from '../../../../helpers/errors.ts';

const result = (status: number, json: unknown): ApiResult => ({
  status,
  json,
  envelope: json && typeof json === 'object' && 'statusCode' in json ? (json as ApiResult['envelope']) : undefined,
  response: undefined as never,
});


const ME = { statusCode: 0, user: { userName: 'agent1', id: 'u1' } };

describe('GWS sign-in checks (seed 002)', () => {
  it('GWS-02/GWS-03: one RFC 7617 basic header, UTF-8 user:password', () => {
    expect(basicAuthorization('agent1', 'pw')).toBe(`Basic ${Buffer.from('agent1:pw').toString('base64')}`);
    expect(basicAuthorization('jürgen', 'pässwort')).toBe('Basic asO8cmdlbjpww6Rzc3dvcnQ='); // UTF-8 bytes, not Latin-1
  });

  it('GWS-05: a me with statusCode 0 and a user is the signed-in user', () => {
    expect(checkSignedIn('gws-basic', result(200, ME))).toMatchObject({ userName: 'agent1', id: 'u1' });
  });

  it('GWS-05: statusCode 20 is the anonymous fall-through, with the server message when it gives one', () => {
    const said = thrown(() => checkSignedIn('gws-basic', result(200, { statusCode: 20, statusMessage: 'Not authenticated' })));
    expect(said.code).toBe('gws.auth.anonymous');
    expect(said.message).toContain('(statusCode 20: Not authenticated)');
    const bare = thrown(() => checkSignedIn('gws-basic', result(200, { statusCode: 20 })));
    expect(bare.message).toContain('(statusCode 20)');
  });

  it('GWS-05: 401 and 403 on me are the anonymous fall-through, naming the status', () => {
    for (const status of [401, 403]) {
      const error = thrown(() => checkSignedIn('saml', result(status, {})));
      expect(error.code).toBe('gws.auth.anonymous');
      expect(error.message).toContain(`HTTP ${status} on GET /api/v2/me`);
    }
  });

  it('GWS-05: a redirect (3xx) of me to a sign-in page is the anonymous fall-through; 2xx other than 200 and 4xx/5xx are server errors', () => {
    for (const status of [300, 302, 399]) {
      expect(thrown(() => checkSignedIn('saml', result(status, {}))).message, String(status)).toContain('redirected to a sign-in page');
    }
    for (const status of [204, 400, 404, 500]) {
      const error = thrown(() => checkSignedIn('saml', result(status, ME)));
      expect(error.code, String(status)).toMatch(/^gws\.status\./);
    }
  });

  it('GWS-05: a 200 whose statusCode is not 0 is a server error, not a user', () => {
    const error = thrown(() => checkSignedIn('gws-basic', result(200, { statusCode: 4, statusMessage: 'Internal', user: ME.user })));
    expect(error.code).toBe('gws.status.internal-error');
    expect(error.message).toBe('Reading your user: Internal');
  });

  it('GWS-05: a me without a user, or with an unusable one, is the anonymous fall-through', () => {
    // The last: a me whose other parts do not parse (devices not a list) is not trusted for its user either.
    for (const json of [{ statusCode: 0 }, { statusCode: 0, user: { userName: '' } }, { statusCode: 0, user: 'agent1' }, { statusCode: 0, user: { userName: 'a' }, devices: 'x' }]) {
      const error = thrown(() => checkSignedIn('gws-basic', result(200, json)));
      expect(error.code).toBe('gws.auth.anonymous');
      expect(error.message).toContain('answered without a user');
    }
  });

  it('GWS-05: the message names the method tried; basic methods ask to check the password (sign in again), the others to contact IT', () => {
    const basic = anonymousError('gws-basic', 'why');
    expect(basic.message).toBe(
      'Sign-in with the Web Services (GWS) user name and password failed: the server treated Patchbay as an anonymous caller (why). Check the user name and password.',
    );
    expect(basic.action).toBe('sign-in-again');
    expect(basic.details).toEqual({ method: 'gws-basic' });
    const cs = anonymousError('config-server-basic', 'why');
    expect(cs.action).toBe('sign-in-again');
    expect(cs.message).toContain('Configuration Server user name and password');
    expect(anonymousError('saml', 'why').message).toBe('Sign-in with the SAML single sign-on failed: the server treated Patchbay as an anonymous caller (why).');
    expect(anonymousError('salesforce', 'why').message).toBe('Sign-in with the Salesforce sign-in failed: the server treated Patchbay as an anonymous caller (why).');
    for (const method of ['saml', 'salesforce'] as const) expect(anonymousError(method, 'why').action).toBe('contact-it');
  });

  it('the profile method wins; else SSO means SAML (GWS-04) and a password GWS basic (GWS-03)', () => {
    expect(methodOf('sso', undefined)).toBe('saml');
    expect(methodOf('password', undefined)).toBe('gws-basic');
    expect(methodOf('password', 'salesforce')).toBe('salesforce');
    expect(methodOf('sso', 'config-server-basic')).toBe('config-server-basic');
  });

  it('the sign-in window may visit the servers, the added hosts and the profile extras, lower-cased, each once', () => {
    expect(allowedHosts(['https://GWS.example.com:8443/x', 'https://gws.example.com:8443'], ['IdP.example.com'], ['login.Example.com'])).toEqual([
      'gws.example.com:8443',
      'login.example.com',
      'idp.example.com',
    ]);
    expect(allowedHosts(['https://a.example'], undefined)).toEqual(['a.example']);
  });

  it('GWS-01: Salesforce is asked for the identity URL (scope id) and API access by default; GWS-04: an SSO window waits 5 minutes', () => {
    expect(DEFAULT_SALESFORCE_SCOPE.split(' ')).toEqual(['id', 'api']);
    expect(DEFAULT_SSO_TIMEOUT_MS).toBe(300_000);
  });

  it('GWS-01: the Salesforce session id and identity URL go in the two configured headers', () => {
    expect(salesforceHeaders({ sessionIdHeader: 'ssid', identityUrlHeader: 'surl' }, 'S', 'https://id')).toEqual({ ssid: 'S', surl: 'https://id' });
  });
});
