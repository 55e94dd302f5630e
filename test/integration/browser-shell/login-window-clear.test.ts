// issue 8 item 7, browser shell: clearProfile (sign-out, profile removal, "forget saved sign-in")
// deletes the sign-in window's temporary Chromium profile (its user-data directory) — at once when
// no sign-in is running, else when the runs in flight end — and the next sign-in gets a fresh one.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromiumLoginWindow, type ChromiumLoginWindow } from '../../../main/browser-shell/login-window.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';

let site: Server;
let base = '';
let window: ChromiumLoginWindow | undefined;

beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === '/token') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'idp=session-1; Path=/' });
      return void res.end('{"token":"t"}');
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<title>wait</title>');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await window?.close();
  site.closeAllConnections();
  await new Promise<void>((r) => site.close(() => r()));
});

/** Parent pid of a process (Linux /proc), or undefined once it has ended. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The --user-data-dir of the Chromium this process started (Linux /proc). Chromium may sit below
 *  a wrapper (Debian's /usr/bin/chromium script, a D-Bus session), so any descendant counts. */
function chromiumProfileDirs(): string[] {
  const dirs: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)) {
    let ancestor = parentOf(pid);
    for (let depth = 0; ancestor !== undefined && ancestor > 1 && ancestor !== process.pid && depth < 8; depth++) ancestor = parentOf(ancestor);
    if (ancestor !== process.pid) continue;
    try {
      // Under a D-Bus session Chromium rewrites its process title into one argument: search the text.
      const dir = /--user-data-dir=([^\s\0]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1];
      if (dir && !dirs.includes(dir)) dirs.push(dir);
    } catch {
      // a process that ended meanwhile
    }
  }
  return dirs;
}

const request = (url: string) => ({ url, profileId: 'corp-a', visible: 'never' as const, timeoutMs: 20_000, until: [{ jsonResponseAt: `${base}/token` }] });

describe('browser-shell sign-in window and sign-out', () => {
  it('deletes the temporary Chromium profile on clearProfile; the next sign-in starts a fresh one', async () => {
    window = createChromiumLoginWindow({ log: createLogger({ sink: memorySink() }), headless: true });
    await window.run(request(`${base}/token`));
    const [dir] = chromiumProfileDirs();
    expect(dir && existsSync(dir)).toBe(true);
    await window.clearProfile!('corp-a');
    expect(existsSync(dir!)).toBe(false);
    await window.run(request(`${base}/token`));
    const [next] = chromiumProfileDirs();
    expect(next).toBeDefined();
    expect(next).not.toBe(dir);
  }, 60_000);

  it('waits for a sign-in in flight, then deletes the profile', async () => {
    window ??= createChromiumLoginWindow({ log: createLogger({ sink: memorySink() }), headless: true });
    const controller = new AbortController();
    const pending = window.run({ ...request(`${base}/wait`), signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 1_500));
    const [dir] = chromiumProfileDirs();
    expect(dir && existsSync(dir)).toBe(true);
    await window.clearProfile!('corp-a');
    expect(existsSync(dir!)).toBe(true); // the run in flight still has its window
    controller.abort();
    expect(await pending).toMatchObject({ code: 'login.cancelled' });
    expect(existsSync(dir!)).toBe(false);
  }, 60_000);
});
