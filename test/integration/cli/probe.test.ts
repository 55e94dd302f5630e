// `patchbay probe`: IT's synthetic sign-in check, run as a real process (bin/patchbay.mjs) against the lab.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLab, writeProfileFiles, type Lab } from '../../../lab/index.ts';
import { SessionStateSchema } from '../../../preload/contract.ts';
import { startForwardProxy } from '../proxy/forward-proxy.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', '..', 'bin', 'patchbay.mjs');
let lab: Lab;
let dir: string;

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'pb-probe-'));
  await writeProfileFiles(dir, lab.profiles);
});
afterAll(async () => {
  await lab?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  // No machine policy, password or display from the host running the tests unless a test gives one.
  const base: NodeJS.ProcessEnv = { ...process.env, PATCHBAY_POLICY_FILE: join(dir, 'no-policy.json') };
  delete base.PATCHBAY_PASSWORD;
  delete base.DISPLAY;
  return { ...base, ...extra };
}

async function probe(args: string[], extra: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, 'probe', ...args], { timeout: 40_000, env: env(extra) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const summaryOf = (stdout: string) => lines(stdout).at(-1)!;
const changesOf = (stdout: string) => lines(stdout).slice(0, -1).map((line) => SessionStateSchema.parse(line));
const finesseFile = () => join(dir, 'lab-finesse-ucce-password.json');
const JDOE = '98412';

// Each probe is a fresh Node process loading the core from TypeScript: seconds on a busy machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe('patchbay probe', () => {
  it('signs in to the lab, sets a status, signs out and ends with an ok summary line', async () => {
    const file = join(dir, 'lab-icws-agent1.json');
    const result = await probe(['--profile', file, '--set-state', 'Away from desk', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const states = changesOf(result.stdout);
    expect(states.map((s) => s.phase)).toContain('active');
    expect(states.some((s) => s.agent?.stateId === 'Away from desk')).toBe(true);
    expect(states.at(-1)?.phase).toBe('signed-out');
    const summary = summaryOf(result.stdout);
    expect(summary).toMatchObject({ result: 'ok', code: 0, signedOut: 'signed-out' });
    expect(typeof summary.signInMs).toBe('number');
    expect((summary.steps as { step: string; ok: boolean }[]).map((s) => [s.step, s.ok])).toEqual([
      ['sign-in', true],
      ['set-state', true],
      ['sign-out', true],
    ]);
    // The fixture password never reaches the output.
    const password = (JSON.parse(await readFile(file, 'utf8')) as { fixturePassword: string }).fixturePassword;
    expect(result.stdout).not.toContain(password);
  });

  it('--json prints one line per change: no consecutive duplicates, the state list only when it changed', async () => {
    const result = await probe(['--profile', finesseFile(), '--extension', '1001002', '--set-state', 'NOT_READY', '--reason', '2', '--logout-reason', '11', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const raw = lines(result.stdout).slice(0, -1);
    const key = (l: Record<string, unknown>) => JSON.stringify({ ...l, seq: 0, updatedAt: '', selectableStates: 'selectableStates' in l ? l.selectableStates : '(unchanged)', connection: { ...(l.connection as object), lastEventAt: undefined } });
    for (let i = 1; i < raw.length; i++) expect(key(raw[i]!), `line ${i + 1} repeats line ${i}`).not.toBe(key(raw[i - 1]!));
    const withList = raw.filter((l) => 'selectableStates' in l);
    expect(withList.length).toBeGreaterThan(0);
    expect(withList.length).toBeLessThan(raw.length);
    for (let i = 1; i < withList.length; i++) expect(JSON.stringify(withList[i]!.selectableStates)).not.toBe(JSON.stringify(withList[i - 1]!.selectableStates));
  });

  it('a failed state step still signs the agent out of Finesse, and names --reason with the valid ids', async () => {
    const result = await probe(['--profile', finesseFile(), '--extension', '1001002', '--set-state', 'NOT_READY', '--logout-reason', '11', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('patchbay probe: Choose a reason for Not Ready: give --reason ID, one of 1 (Lunch), 2 (Break), 3 (Meeting), 4 (Training). [finesse.state.reason-required]\n');
    const summary = summaryOf(result.stdout);
    expect(summary).toMatchObject({ result: 'failed', code: 1, signedOut: 'signed-out', error: { code: 'finesse.state.reason-required' } });
    expect(changesOf(result.stdout).at(-1)?.phase).toBe('signed-out');
    // Nothing left behind on the server: not NOT_READY, not on the extension.
    const agent = lab.finesse.ucce.userState(JDOE);
    expect(agent.state).toBe('LOGOUT');
    expect(agent.extension).toBe('');
  });

  it('--stay leaves the agent signed in and says so', async () => {
    const result = await probe(['--profile', finesseFile(), '--extension', '1001002', '--set-state', 'NOT_READY', '--reason', '1', '--stay']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Stayed signed in');
    expect(lab.finesse.ucce.userState(JDOE).state).toBe('NOT_READY');
    // Clean up for the other tests: a plain probe signs the agent out again.
    lab.finesse.ucce.setUserState(JDOE, 'LOGOUT', { reasonCodeId: '11' });
  });

  it('SIGTERM during --watch ends the probe, which signs out before exiting', async () => {
    const child = spawn(process.execPath, [cli, 'probe', '--profile', finesseFile(), '--extension', '1001002', '--watch', '60', '--logout-reason', '11', '--json'], { env: env({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!sent && stdout.includes('"phase":"active"')) sent = child.kill('SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(stderr).toContain('[cli.interrupted]');
    expect(summaryOf(stdout)).toMatchObject({ result: 'failed', signedOut: 'signed-out' });
    expect(lab.finesse.ucce.userState(JDOE).state).toBe('LOGOUT');
  });

  it('PATCHBAY_PASSWORD wins over a lab profile fixture password', async () => {
    const file = join(dir, 'lab-icws-agent1.json');
    const wrong = await probe(['--profile', file, '--json'], { PATCHBAY_PASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('The authentication process failed.');
    const right = await probe(['--profile', file], { PATCHBAY_PASSWORD: 'agent1-lab-pw' });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('Signed out');
  });

  it('exits 1 with one clear line for rejected credentials', async () => {
    const profile = JSON.parse(await readFile(join(dir, 'lab-icws-agent1.json'), 'utf8')) as Record<string, unknown>;
    const bad = join(dir, 'bad-password.json');
    await writeFile(bad, JSON.stringify({ ...profile, id: 'bad-password', fixturePassword: 'not-the-password' }));
    const result = await probe(['--profile', bad, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('The authentication process failed.');
    expect(summaryOf(result.stdout)).toMatchObject({ result: 'failed', code: 1, signInMs: null, signedOut: 'none', error: { code: expect.any(String) } });
  });

  it('exits 1 for a status the agent may not choose, listing the ones it may', async () => {
    const result = await probe(['--profile', join(dir, 'lab-icws-agent1.json'), '--set-state', 'No Such Status', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^patchbay probe: .+ choose one of: .*Available.*\[icws\.set-status\.rejected\]\n$/);
  });

  it('exits 3 (configuration) for a bad or missing profile file or a missing password, naming the problem', async () => {
    const bad = join(dir, 'broken.json');
    await writeFile(bad, JSON.stringify({ id: 'x', name: 'X', platform: 'icws', servers: ['not a url'], authMode: 'password' }));
    const result = await probe(['--profile', bad]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('servers.0');
    const missing = await probe(['--profile', join(dir, 'missing.json'), '--json']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('ENOENT');
    expect(summaryOf(missing.stdout)).toMatchObject({ result: 'failed', code: 3 });
    const profile = JSON.parse(await readFile(join(dir, 'lab-icws-agent1.json'), 'utf8')) as Record<string, unknown>;
    const noPassword = join(dir, 'no-password.json');
    await writeFile(noPassword, JSON.stringify({ ...profile, id: 'no-password', fixturePassword: undefined, lab: undefined }));
    const none = await probe(['--profile', noPassword]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('PATCHBAY_PASSWORD');
  });

  it('exits 1 for an unreachable server', async () => {
    const profile = JSON.parse(await readFile(join(dir, 'lab-icws-agent1.json'), 'utf8')) as Record<string, unknown>;
    const gone = join(dir, 'unreachable.json');
    await writeFile(gone, JSON.stringify({ ...profile, id: 'unreachable', servers: ['http://127.0.0.1:9'] }));
    const result = await probe(['--profile', gone]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('net.unreachable');
  });

  it("goes through the machine policy's proxy, as the app does", async () => {
    const proxy = await startForwardProxy();
    try {
      const policy = join(dir, 'policy.json');
      await writeFile(policy, JSON.stringify({ proxy: { url: proxy.url } }));
      const result = await probe(['--profile', join(dir, 'lab-icws-agent1.json'), '--json'], { PATCHBAY_POLICY_FILE: policy });
      expect(result.code).toBe(0);
      const port = new URL(lab.icws.url).port;
      expect(proxy.hits.some((h) => h.method === 'POST' && h.target.includes(`:${port}/icws/connection`))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('exits 2 (usage) without --profile, for an unknown option, a bad --watch or --sign-in-window', async () => {
    for (const args of [[], ['--profile', 'x.json', '--bogus'], ['--profile', 'x.json', '--watch', 'soon'], ['--profile', 'x.json', '--sign-in-window', 'sideways'], ['--profile', 'x.json', '--reason', '1']]) {
      const result = await probe(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^patchbay probe: .+ \[cli\.usage\]\n$/);
    }
  });

  it('an SSO profile with --sign-in-window headless and nobody to type fails in one line, leaving nothing behind', async () => {
    const result = await probe(['--profile', join(dir, 'lab-finesse-ucce-sso.json'), '--sign-in-window', 'headless', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/no display|sign-in/i);
    expect(summaryOf(result.stdout)).toMatchObject({ result: 'failed', code: 1 });
  });
});
