// `patchbay start` as a real process (issue 14 items 8–10): one human block first (where the app is,
// the lab's servers, fault controls and users), log lines in the log file (on the terminal only with
// --verbose), one line saying why Chromium could not open the window, and a clean stop: SIGTERM to
// the app's own PID stops the lab and every child and removes the temporary directories; even a
// SIGKILL leaves no lab behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 180_000 });

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'patchbay.mjs');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  tmp: string;
  data: string;
}

async function startApp(args: string[], env: Record<string, string>, until: RegExp): Promise<Started> {
  const base = mkdtempSync(join(tmpdir(), 'pb-start-'));
  dirs.push(base);
  const tmp = join(base, 'tmp');
  const data = join(base, 'data');
  spawnSync('mkdir', ['-p', tmp, data]);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, PATCHBAY_DATA_DIR: data, PATCHBAY_POLICY_FILE: join(base, 'no-policy.json'), ...env };
  if (!('DISPLAY' in env)) delete childEnv.DISPLAY;
  delete childEnv.PATCHBAY_LOG_LEVEL;
  const child = spawn(process.execPath, [BIN, 'start', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const deadline = Date.now() + 150_000;
  while (!until.test(out)) {
    if (child.exitCode !== null) throw new Error(`start exited ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`start printed no ${until}: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, out: () => out, err: () => err, tmp, data };
}

function childPids(pid: number): number[] {
  const result = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return result.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe('patchbay start', () => {
  it('prints one human block first, keeps log lines in the log file, and SIGTERM to its PID stops the lab and removes the temp dirs', async () => {
    const app = await startApp(['--no-open', '--browser-shell'], {}, /Ctrl\+C stops Patchbay/);
    const lines = app.out().trim().split('\n');
    expect(lines[0]).toMatch(/^Patchbay is running in the browser shell .*on the built-in lab: open http:\/\/127\.0\.0\.1:\d+\//);
    const block = app.out();
    for (const text of ['ICWS (server-sent events)  http://127.0.0.1:', 'Fault controls', '/lab/switchover', '/lab/finesse/', 'agent1 / agent1-lab-pw', 'jdoe / jdoe-lab-pw, extension 1001002', 'sjefferson on the IdP page, password sjefferson-idp-pw, extension 1001001']) {
      expect(block).toContain(text);
    }
    // No JSON log line before (or after) the human block; they are in the log file.
    expect(app.err()).toBe('');
    expect(block).not.toMatch(/^\{/m);
    expect(readFileSync(join(app.data, 'logs', 'patchbay.log'), 'utf8')).toContain('"app.started"');
    expect(readdirSync(app.tmp).filter((n) => n.startsWith('patchbay-lab-'))).toHaveLength(1);

    const labs = childPids(app.child.pid!);
    expect(labs.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((done) => app.child.once('exit', done));
    process.kill(app.child.pid!, 'SIGTERM'); // the app's own PID only, not its process group
    expect(await exited).toBe(0);
    for (const pid of labs) expect(await gone(pid), `child ${pid} still runs`).toBe(true);
    expect(readdirSync(app.tmp).filter((n) => n.startsWith('patchbay-'))).toEqual([]);
  });

  it('SIGKILL to the app leaves no lab behind (the lab stops when its stdin closes)', async () => {
    const app = await startApp(['--no-open', '--browser-shell', '--lab'], {}, /Ctrl\+C stops Patchbay/);
    const labs = childPids(app.child.pid!);
    expect(labs.length).toBeGreaterThan(0);
    process.kill(app.child.pid!, 'SIGKILL');
    for (const pid of labs) expect(await gone(pid), `lab ${pid} orphaned`).toBe(true);
  });

  it('when Chromium cannot open the window, says why in one line and prints the URL; --verbose prints log lines', async () => {
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some((p) => existsSync(p));
    if (!chromium) expect.fail('this test needs Debian chromium (installed by .ci/run)');
    // A display that does not exist: Chromium starts and fails at once.
    const app = await startApp(['--no-lab', '--browser-shell', '--verbose'], { DISPLAY: ':987' }, /The app window could not open/);
    expect(app.out()).toMatch(/^Patchbay is running in the browser shell[^\n]*: the app window is opening in Chromium\.\n/);
    expect(app.out()).toMatch(/\nThe app window could not open: Chromium [^\n]+\. Open http:\/\/127\.0\.0\.1:\d+\/#secret=[^\s]+ in a browser instead\.\n/);
    expect(app.err()).toContain('"app.started"');
    const exited = new Promise<number | null>((done) => app.child.once('exit', done));
    process.kill(app.child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(readdirSync(app.tmp).filter((n) => n.startsWith('patchbay-'))).toEqual([]);
  });

  it('--help prints the start options; a bad --port is a usage error (2)', async () => {
    const help = spawnSync(process.execPath, [BIN, 'start', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--verbose');
    const bad = spawnSync(process.execPath, [BIN, 'start', '--port', 'eighty'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port takes a port number');
  });
});

describe('patchbay lab', () => {
  it('prints the fault controls and users, and stops with its parent even when the parent is killed outright', async () => {
    const base = mkdtempSync(join(tmpdir(), 'pb-lab-cli-'));
    dirs.push(base);
    const child = spawn(process.execPath, [BIN, 'lab', '--profiles-out', join(base, 'profiles')], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 120_000;
    while (!out.includes('lab running')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`lab did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(out).toContain('Fault controls');
    expect(out).toContain('jdoe / jdoe-lab-pw, extension 1001002');
    const labs = childPids(child.pid!);
    expect(labs.length).toBeGreaterThan(0);
    process.kill(child.pid!, 'SIGKILL');
    for (const pid of labs) expect(await gone(pid), `lab ${pid} orphaned`).toBe(true);
  });
});

describe('chromium failure lines', () => {
  it('names the reason from the stderr', async () => {
    const { describeChromiumFailure } = await import('../../../main/cli/chromium-failure.ts');
    expect(describeChromiumFailure('[1:1:ERROR:zygote_host_impl_linux.cc(101)] Running as root without --no-sandbox is not supported.', { code: 1, signal: null })).toContain('as root without its sandbox');
    expect(describeChromiumFailure('chromium: error while loading shared libraries: libnss3.so: cannot open shared object file', { code: 127, signal: null })).toContain('libnss3.so');
    expect(describeChromiumFailure('[ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY', { code: 1, signal: null })).toContain('no display');
    expect(describeChromiumFailure('', { code: null, signal: null, spawnError: 'spawn /usr/bin/chromium EACCES' })).toContain('EACCES');
  });
});
