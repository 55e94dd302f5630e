// The app:// handler (main/electron/app-protocol.ts) with a plain-Node file reader standing in for
// Electron's net.fetch.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../../main/electron/app-protocol.ts';
import { APP_ORIGIN, CSP } from '../../../main/electron/policy.ts';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

const fetched: string[] = [];
async function nodeFileFetch(fileUrl: string): Promise<Response> {
  fetched.push(fileUrl);
  const path = fileURLToPath(fileUrl);
  const body = await readFile(path); // rejects for a missing file, like net.fetch
  return new Response(body, { headers: { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' } });
}

const base = mkdtempSync(join(tmpdir(), 'patchbay-app-protocol-'));
const root = join(base, 'renderer');
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  for (const [file, text] of Object.entries({ 'index.html': '<!doctype html><title>Patchbay</title>', 'assets/app.js': 'console.log(1)' })) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
  handle = createAppProtocolHandler(root, nodeFileFetch);
});

describe('app:// protocol handler', () => {
  it('serves the renderer entry with the CSP header when the root is requested', async () => {
    const response = await handle(new Request(`${APP_ORIGIN}/`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Patchbay</title>');
  });

  it('serves nested assets with their content type', async () => {
    const response = await handle(new Request(`${APP_ORIGIN}/assets/app.js`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers 404 with the CSP and never reads the file when the path escapes the root', async () => {
    const before = fetched.length;
    const response = await handle(new Request(`${APP_ORIGIN}/..%2fsecret.txt`));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(await response.text()).not.toContain('outside the renderer');
    expect(fetched.length).toBe(before);
  });

  it('answers 404 when the file does not exist', async () => {
    const response = await handle(new Request(`${APP_ORIGIN}/missing.js`));
    expect(response.status).toBe(404);
  });

  it('answers 404 for another host of the scheme', async () => {
    const response = await handle(new Request('app://other/index.html'));
    expect(response.status).toBe(404);
  });

  it('answers 404 for methods other than GET and HEAD', async () => {
    const response = await handle(new Request(`${APP_ORIGIN}/index.html`, { method: 'POST', body: 'x' }));
    expect(response.status).toBe(404);
  });

  it('sends headers without a body when asked with HEAD', async () => {
    const response = await handle(new Request(`${APP_ORIGIN}/index.html`, { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(await response.text()).toBe('');
  });
});
