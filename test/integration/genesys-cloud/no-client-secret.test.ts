// GC-01 (seed 004): the OAuth client secret never reaches the renderer or any bundle — Patchbay is a
// public client with PKCE. Scans the built renderer (vite → dist/renderer, built by `npm test`
// before Vitest) and every file electron-builder would package that exists here (dist/**,
// resources/**) for the lab org's confidential-client secret and secret-shaped OAuth strings, and
// checks that no profile or policy can even carry a client secret. The token request's lack of a
// secret is proven over the wire in auth.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_CONFIDENTIAL_CLIENT_SECRET, LAB_PUBLIC_CLIENT_ID } from '../../../lab/genesys-cloud/fixture.ts';
import { ProfileSchema } from '../../../preload/contract.ts';
import { parsePolicy } from '../../../main/core/settings/policy.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const RENDERER = join(ROOT, 'dist', 'renderer');
const BINARY = new Set(['.png', '.jpg', '.jpeg', '.gif', '.ico', '.icns', '.webp', '.woff', '.woff2', '.ttf', '.node']);

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (!BINARY.has(extname(name).toLowerCase())) out.push(path);
  }
  return out;
}

/** What a client secret looks like in code or config: the lab's own, a client_secret form field or
 *  JSON/JS key with a value, a Basic header built from an id and a secret. */
const FORBIDDEN: { kind: string; re: RegExp }[] = [
  { kind: 'lab confidential client secret', re: new RegExp(LAB_CONFIDENTIAL_CLIENT_SECRET.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) },
  { kind: 'client_secret form field', re: /client_secret=/ },
  { kind: 'client secret key with a value', re: /["']?client_?secret["']?\s*[:=]\s*["'`][^"'`]+/i },
  { kind: 'Basic header for the client', re: /Basic\s+["'`]?\s*\+?\s*btoa\(/ },
];

function scan(paths: string[]): string[] {
  const findings: string[] = [];
  for (const path of paths) {
    const text = readFileSync(path, 'utf8');
    for (const { kind, re } of FORBIDDEN) if (re.test(text)) findings.push(`${relative(ROOT, path)}: ${kind}`);
  }
  return findings;
}

describe('GC-01: no client secret anywhere', () => {
  it('GC-01: the built renderer bundle and the packaged files carry no client secret', () => {
    expect(existsSync(join(RENDERER, 'index.html')), 'dist/renderer is missing: build the renderer first (vite build; npm test does)').toBe(true);
    const bundle = files(RENDERER);
    expect(bundle.some((p) => p.endsWith('.js'))).toBe(true);
    const packaged = [...files(join(ROOT, 'dist')), ...files(join(ROOT, 'resources'))];
    expect(scan([...new Set([...bundle, ...packaged])])).toEqual([]);
  });

  it('GC-01: a profile or the IT policy cannot carry a client secret (the options schema is strict)', () => {
    const base = {
      id: 'gc',
      name: 'Genesys Cloud',
      platform: 'genesys-cloud',
      servers: ['https://api.mypurecloud.com'],
      authMode: 'sso',
      options: { genesysCloud: { region: 'mypurecloud.com', clientId: LAB_PUBLIC_CLIENT_ID, redirectUri: 'http://127.0.0.1:48620/callback' } },
    };
    expect(ProfileSchema.safeParse(base).success).toBe(true);
    const withSecret = { ...base, options: { genesysCloud: { ...base.options.genesysCloud, clientSecret: LAB_CONFIDENTIAL_CLIENT_SECRET } } };
    expect(ProfileSchema.safeParse(withSecret).success).toBe(false);
    const policy = parsePolicy(JSON.stringify({ profiles: [withSecret] }));
    expect(policy.policy.profiles).toEqual([]);
    expect(JSON.stringify(policy)).not.toContain(LAB_CONFIDENTIAL_CLIENT_SECRET);
  });
});
