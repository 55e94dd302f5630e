// Issue 8 item 9: the browser shell survives hostile input from any local process — a malformed
// upgrade request gets 400 and the shell lives on (sent over a raw socket), a Host that is not a
// loopback name is refused (DNS rebinding), and the launch secret never appears on Chromium's
// command line (the app window opens an owner-only page that forwards to the shell).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LAUNCH_PAGE_NAME, prepareAppWindow } from '../../../main/browser-shell/app-window.ts';
import { isLoopbackHost, parseRequestTarget, startBrowserShell, type BrowserShell } from '../../../main/browser-shell/server.ts';
import { createCore } from '../../../main/core/app-core.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';

const sink = memorySink();
let shell: BrowserShell;
let port: number;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'pb-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Patchbay</title>');
  const log = createLogger({ sink });
  const { manager, handler } = createCore({ profiles: new MemoryProfileStore([]), log });
  shell = await startBrowserShell({ manager, handler, log, rendererDir });
  port = Number(new URL(shell.origin).port);
});

afterAll(async () => {
  await shell?.close();
  if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
});

/** Sends raw bytes and returns what the server answered before closing (or after 2 s of quiet). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.setTimeout(2000, () => socket.destroy());
    socket.write(request);
  });
}

const upgradeHeaders = (host: string) =>
  `Host: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`;

function bridgeWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${shell.origin.replace('http', 'ws')}/bridge?secret=${shell.secret}`, { origin: shell.origin });
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
  });
}

describe('malformed upgrade requests', () => {
  it('answers `GET http://[` with Upgrade headers with 400 and lives on', async () => {
    const answer = await raw(`GET http://[ HTTP/1.1\r\n${upgradeHeaders(`127.0.0.1:${port}`)}`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(sink.entries.some((e) => e.event === 'browser-shell.connection-refused' && e.reason === 'malformed request target')).toBe(true);
    expect(await bridgeWorks()).toBe(true);
  });

  it('answers other hostile targets with 400 too (another origin, protocol-relative, absolute)', async () => {
    for (const target of ['http://evil.example/bridge', '//evil.example/bridge', '*', `http://127.0.0.1:${port}/bridge`]) {
      expect(await raw(`GET ${target} HTTP/1.1\r\n${upgradeHeaders(`127.0.0.1:${port}`)}`)).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(await bridgeWorks()).toBe(true);
  });

  it('parses request targets without throwing', () => {
    const origin = `http://127.0.0.1:${port}`;
    expect(parseRequestTarget('http://[', origin)).toBeUndefined();
    expect(parseRequestTarget('/bridge?secret=x', origin)?.pathname).toBe('/bridge');
    expect(parseRequestTarget(undefined, origin)).toBeUndefined();
  });
});

describe('Host header', () => {
  it('refuses an upgrade whose Host is not a loopback name (DNS rebinding), even with the secret', async () => {
    const answer = await raw(`GET /bridge?secret=${shell.secret} HTTP/1.1\r\n${upgradeHeaders(`evil.example:${port}`)}`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(sink.entries.some((e) => e.event === 'browser-shell.connection-refused' && e.reason === 'Host is not a loopback name')).toBe(true);
  });

  it('serves pages only to loopback Host names on its own port', async () => {
    expect(await raw(`GET / HTTP/1.1\r\nHost: rebind.evil.example:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port + 1}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(`GET / HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
    expect(await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('knows the loopback names', () => {
    expect(isLoopbackHost('127.0.0.1:8080', 8080)).toBe(true);
    expect(isLoopbackHost('LOCALHOST:8080', 8080)).toBe(true);
    expect(isLoopbackHost('[::1]:8080', 8080)).toBe(true);
    expect(isLoopbackHost('127.0.0.1', 8080)).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil.example:8080', 8080)).toBe(false);
    expect(isLoopbackHost(undefined, 8080)).toBe(false);
  });
});

describe('launch secret off the command line', () => {
  it('opens an owner-only page that holds the secret; the arguments do not', async () => {
    const profileDir = await mkdtemp(join(tmpdir(), 'pb-chromium-profile-'));
    const app = prepareAppWindow(shell.launchUrl, profileDir);
    expect(app.args.join(' ')).not.toContain(shell.secret);
    expect(app.args[0]).toBe(`--app=file://${join(profileDir, LAUNCH_PAGE_NAME)}`);
    expect((await stat(app.pagePath)).mode & 0o777).toBe(0o600);
    expect(await readFile(app.pagePath, 'utf8')).toContain(`url=${shell.launchUrl}`);
    app.removePage();
    await expect(stat(app.pagePath)).rejects.toMatchObject({ code: 'ENOENT' });
    await rm(profileDir, { recursive: true, force: true });
  });

  it('the page forwards Chromium to the shell with the secret in the fragment', async () => {
    const profileDir = await mkdtemp(join(tmpdir(), 'pb-chromium-profile-'));
    const app = prepareAppWindow(shell.launchUrl, profileDir);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
    try {
      const page = await browser.newPage();
      await page.goto(new URL(app.args[0]!.slice('--app='.length)).href);
      await page.waitForURL(`${shell.origin}/**`, { timeout: 15_000 });
      expect(page.url()).toBe(shell.launchUrl);
      expect(await page.title()).toBe('Patchbay');
    } finally {
      await browser.close();
      await rm(profileDir, { recursive: true, force: true });
    }
  }, 30_000);
});
