// nextHop's net.credential-redirect error (issue 8 item 3; issue 9 mutation testing: its wording,
// action and details were unpinned): the agent is told where the request would have gone — "another
// server" on an origin change, "an unencrypted address" on https → http — and IT gets host, target
// and status, never the credential (DESIGN.md trust boundaries; RFC 9110 §15.4).
import { describe, expect, it } from 'vitest';
import { isPatchbayError, type PatchbayError } from '../../../../main/core/errors.ts';
import { nextHop, type Hop } from '../../../../main/core/net/redirects.ts';

const withAuth: Hop = { method: 'GET', headers: { accept: 'json', authorization: 'Bearer s3cret-token' } };

function refusal(from: string, to: string, status = 302): PatchbayError {
  try {
    nextHop(new URL(from), withAuth, status, to);
  } catch (error) {
    if (isPatchbayError(error)) return error;
    throw error;
  }
  throw new Error('followed');
}

describe('net.credential-redirect [RFC 9110 §15.4]', () => {
  it('names another server, with host, target and status for IT, and asks to contact IT', () => {
    const e = refusal('https://pbx.example.com:8019/api', 'https://idp.example.net/login', 307);
    expect(e.code).toBe('net.credential-redirect');
    expect(e.message).toBe('The server at pbx.example.com:8019 redirected a request carrying your sign-in to another server (idp.example.net:443); Patchbay does not send credentials there.');
    expect(e.action).toBe('contact-it');
    expect(e.details).toEqual({ host: 'pbx.example.com:8019', to: 'idp.example.net:443', status: 307 });
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('s3cret');
  });

  it('names an unencrypted address on https → http, even on the same host', () => {
    const e = refusal('https://pbx.example.com/api', 'http://pbx.example.com/api');
    expect(e.message).toBe('The server at pbx.example.com:443 redirected a request carrying your sign-in to an unencrypted address (pbx.example.com:80); Patchbay does not send credentials there.');
    expect(e.details).toEqual({ host: 'pbx.example.com:443', to: 'pbx.example.com:80', status: 302 });
  });

  it('calls http → http and http → https to another host "another server", not a downgrade', () => {
    expect(refusal('http://pbx.example.com/api', 'http://other.example.com/api').message).toContain('to another server (other.example.com:80)');
    expect(refusal('http://pbx.example.com/api', 'https://other.example.com/api').message).toContain('to another server (other.example.com:443)');
  });
});
