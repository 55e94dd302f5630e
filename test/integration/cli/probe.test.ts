// `patchbay probe`: IT's synthetic sign-in check, run as a real process against the lab.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});

async function probe(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // No machine policy from the host running the tests unless a test gives one.
    const { stdout, stderr } = await run(process.execPath, [cli, 'probe', ...args], { timeout: 30_000, env: { ...process.env, PATCHBAY_POLICY_FILE: join(dir, 'no-policy.json'), ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('patchbay probe', () => {
  it('signs in to the lab, sets a status and exits 0 with SessionState JSON lines', async () => {
    const file = join(dir, 'lab-icws-agent1.json');
    const result = await probe(['--profile', file, '--set-state', 'Away from desk', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const states = result.stdout.trim().split('\n').map((line) => SessionStateSchema.parse(JSON.parse(line)));
    expect(states.map((s) => s.phase)).toContain('active');
    expect(states.some((s) => s.agent?.stateId === 'Away from desk')).toBe(true);
    expect(states.at(-1)?.phase).toBe('signed-out');
    // The fixture password never reaches the output.
    const password = (JSON.parse(await readFile(file, 'utf8')) as { fixturePassword: string }).fixturePassword;
    expect(result.stdout).not.toContain(password);
  });

  it('exits non-zero with one clear line for rejected credentials', async () => {
    const profile = JSON.parse(await readFile(join(dir, 'lab-icws-agent1.json'), 'utf8')) as Record<string, unknown>;
    const bad = join(dir, 'bad-password.json');
    await writeFile(bad, JSON.stringify({ ...profile, id: 'bad-password', fixturePassword: 'not-the-password' }));
    const result = await probe(['--profile', bad, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('The authentication process failed.');
  });

  it('exits non-zero for a status the agent may not choose', async () => {
    const result = await probe(['--profile', join(dir, 'lab-icws-agent1.json'), '--set-state', 'No Such Status', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^patchbay probe: .+\[icws\.set-status\.rejected\]\n$/);
  });

  it('exits non-zero for a bad profile file, naming the bad field', async () => {
    const bad = join(dir, 'broken.json');
    await writeFile(bad, JSON.stringify({ id: 'x', name: 'X', platform: 'icws', servers: ['not a url'], authMode: 'password' }));
    const result = await probe(['--profile', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('servers.0');
    const missing = await probe(['--profile', join(dir, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
  });

  it('exits non-zero for an unreachable server', async () => {
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

  it('prints usage and exits 2 without --profile', async () => {
    const result = await probe([]);
    expect(result.code).toBe(2);
  });
});
