// Exact origins and CSP of the embedded workspace (issue 12; GC-06, GC-07, GC-08), written to kill the
// mutants `npm run mutate` left alive in origins.ts: the lab's loopback-only component address, the CSP
// directive by directive, and the origin comparison for values that are not strings.
import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, workspaceCsp, workspaceOrigins } from '../../../../../main/core/platforms/genesys-cloud/workspace/origins.ts';

const invalid = { code: 'genesys-cloud.workspace.invalid', action: 'contact-it' };

describe('workspace origins for the lab (a loopback component address) [GC-07]', () => {
  it('accepts loopback component and API addresses and derives the streaming origin from the API host', () => {
    expect(workspaceOrigins({ componentUrl: 'http://127.0.0.7:4100/x', apiBase: 'http://127.0.0.1:4000' })).toEqual({
      component: 'http://127.0.0.7:4100',
      api: 'http://127.0.0.1:4000',
      streaming: 'ws://127.0.0.1:4000',
    });
    expect(workspaceOrigins({ componentUrl: 'http://localhost:1', apiBase: 'http://[::1]:2' }).component).toBe('http://localhost:1');
    expect(workspaceOrigins({ componentUrl: 'http://127.255.10.200:1', apiBase: 'http://127.0.0.1:2' }).api).toBe('http://127.0.0.1:2');
  });

  it.each([
    ['a real host as component', 'https://apps.mypurecloud.com', 'http://127.0.0.1:2'],
    ['a real host as API', 'http://127.0.0.7:1', 'https://api.mypurecloud.com'],
    ['a name that only starts like loopback', 'http://127.0.0.1.evil.example:1', 'http://127.0.0.1:2'],
    ['a name that only ends like loopback', 'http://x127.0.0.1:1', 'http://127.0.0.1:2'],
    ['a non-loopback address', 'http://128.0.0.1:1', 'http://127.0.0.1:2'],
    ['a missing API base', 'http://127.0.0.7:1', undefined],
  ])('refuses %s', (_what, componentUrl, apiBase) => {
    expect(() => workspaceOrigins({ componentUrl, ...(apiBase !== undefined ? { apiBase } : {}) })).toThrow(expect.objectContaining(invalid));
  });

  it('refuses a component address that is not http(s) or not a URL, saying why', () => {
    expect(() => workspaceOrigins({ componentUrl: 'ftp://127.0.0.1/x', apiBase: 'http://127.0.0.1:2' })).toThrow(expect.objectContaining({ ...invalid, message: 'The workspace address must be http(s).' }));
    expect(() => workspaceOrigins({ componentUrl: 'not a url', apiBase: 'http://127.0.0.1:2' })).toThrow(expect.objectContaining({ ...invalid, message: 'The workspace address is not a valid URL.' }));
  });

  it('refuses an unknown or missing region by name', () => {
    expect(() => workspaceOrigins({ region: 'mypurecloud.evil' })).toThrow(expect.objectContaining({ ...invalid, message: '"mypurecloud.evil" is not a known Genesys Cloud region.' }));
    expect(() => workspaceOrigins({})).toThrow(expect.objectContaining(invalid));
  });
});

describe('message origin check [GC-06]', () => {
  const origins = workspaceOrigins({ region: 'mypurecloud.ie' });
  it('believes only the exact component origin, as a string', () => {
    expect(isAllowedOrigin(origins, 'https://apps.mypurecloud.ie')).toBe(true);
    expect(isAllowedOrigin(origins, 'https://apps.mypurecloud.ie.evil.example')).toBe(false);
    expect(isAllowedOrigin(origins, { toString: () => 'https://apps.mypurecloud.ie' })).toBe(false);
    expect(isAllowedOrigin(origins, undefined)).toBe(false);
  });
});

describe('host CSP [GC-08]', () => {
  it('is exactly these directives for a region: nothing wider, nothing missing', () => {
    expect(workspaceCsp(workspaceOrigins({ region: 'mypurecloud.jp' }))).toBe(
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        'frame-src https://apps.mypurecloud.jp',
        "connect-src 'self' https://api.mypurecloud.jp wss://streaming.mypurecloud.jp",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
      ].join('; '),
    );
  });
});
