// Issue 8 item 8: a renderer `log.write` carrying `Set-Cookie: JSESSIONID=…` (and the other free-text
// shapes) must reach neither patchbay.log nor the diagnostics zip — through the real path: the
// contract command, the renderer log gate, the file sink, Export diagnostics.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootCore, type BootedCore } from '../../../main/core/app-core.ts';
import { memorySink } from '../../../main/core/log.ts';
import { MemorySecretStore } from '../../../main/core/secrets/secret-store.ts';
import { testDataDir } from './test-data.ts';

// Distinctive values; the end-of-suite secret scan would also flag the JSESSIONID line if it leaked.
const SESSION = 'A1B2C3D4E5F6renderer0JSESSION';
const CSRF = 'csrfFromRendererZ8y7x6w5v4u3';
const REFRESH = 'refreshFromRendererQ1w2e3r4t5';

let core: BootedCore;
let dataDir: string;
let zipped: Record<string, string>;

beforeAll(async () => {
  dataDir = testDataDir('renderer-log-secrets');
  core = await bootCore({
    dataDir,
    shell: 'browser-shell',
    appVersion: '9.9.9-test',
    env: { PATCHBAY_POLICY_FILE: join(dataDir, 'no-policy.json') },
    console: memorySink(),
    openSecrets: async () => ({ store: new MemorySecretStore() }),
  });
  const lines = [
    `fetch failed: Set-Cookie: JSESSIONID=${SESSION}; Path=/finesse; Secure; HttpOnly`,
    `retrying with ININ-ICWS-CSRF-Token: ${CSRF}`,
    `POST /ids/v1/oauth/token body token=x&refresh-token=${REFRESH}`,
  ];
  for (const message of lines) {
    const result = await core.handler('log.write', { level: 'error', message });
    expect(result).toMatchObject({ ok: true, value: { logged: true } });
  }
  const exported = await core.handler('diagnostics.export', {});
  expect(exported.ok).toBe(true);
  const zipPath = (exported as { value: { path: string } }).value.path;
  zipped = Object.fromEntries(Object.entries(unzipSync(readFileSync(zipPath))).map(([name, bytes]) => [name, strFromU8(bytes)]));
});

afterAll(async () => {
  await core?.close();
});

describe('renderer log lines with secrets', () => {
  it('are written to patchbay.log with the secrets redacted', () => {
    const log = readFileSync(join(dataDir, 'logs', 'patchbay.log'), 'utf8');
    expect(log).toContain('Set-Cookie: [redacted]');
    expect(log).toContain('ININ-ICWS-CSRF-Token: [redacted]');
    expect(log).toContain('refresh-token=[redacted]');
    for (const secret of [SESSION, CSRF, REFRESH]) expect(log.includes(secret), 'patchbay.log holds a secret').toBe(false);
  });

  it('do not bring a secret into the diagnostics zip', () => {
    expect(zipped['logs/patchbay.log']).toContain('"source":"renderer"');
    for (const [name, text] of Object.entries(zipped)) {
      for (const secret of [SESSION, CSRF, REFRESH]) expect(text.includes(secret), `${name} holds a secret`).toBe(false);
    }
  });
});
