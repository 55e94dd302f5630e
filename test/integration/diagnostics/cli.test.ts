// `patchbay diagnostics --out FILE`: the zip from the files on disk, for an app that is not running.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './test-data.ts';

// Written into an "old" log file by hand, unredacted, to prove the export redacts again.
const OLD_SECRET = 'old-log-password-9f3e';
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'main', 'cli', 'patchbay.ts'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('patchbay diagnostics', () => {
  it('writes the zip from settings, policy and log files, with transitions from the logs and no secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-diag-cli-'));
    dirs.push(dir);
    const data = join(dir, 'data');
    mkdirSync(join(data, 'logs'), { recursive: true });
    writeFileSync(
      join(data, 'settings.json'),
      JSON.stringify({ version: 2, profiles: [{ id: 'site', name: 'Site', platform: 'icws', servers: ['https://ic1.example.com:8019'], authMode: 'password', userName: 'agent1' }] }),
    );
    writeFileSync(
      join(data, 'logs', 'patchbay.log'),
      [
        JSON.stringify({ at: '2026-01-01T08:00:00.000Z', level: 'info', event: 'session.transition', profileId: 'site', platform: 'icws', phase: 'active', agentState: 'Available' }),
        JSON.stringify({ at: '2026-01-01T08:00:01.000Z', level: 'debug', event: 'net.hop', profileId: 'site', method: 'GET', url: 'https://ic1.example.com:8019/icws/1/status?token=abc', status: 200, ms: 3, sentHeaders: ['cookie'] }),
        JSON.stringify({ at: '2026-01-01T08:00:02.000Z', level: 'error', event: 'old.line', password: OLD_SECRET }),
        `a torn non-JSON line Cookie: icws_1=x password=${OLD_SECRET}`,
      ].join('\n') + '\n',
    );
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ logLevel: 'shouty' }));
    const out = join(dir, 'out', 'diag.zip');
    const run = await cli(['diagnostics', '--out', out], { PATCHBAY_DATA_DIR: data, PATCHBAY_POLICY_FILE: policy });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Diagnostics written to ${out}`);
    expect(existsSync(out)).toBe(true);

    const files = Object.fromEntries(Object.entries(unzipSync(readFileSync(out))).map(([name, bytes]) => [name, strFromU8(bytes)]));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['about.json', 'settings.json', 'policy.json', 'transitions.json', 'traces.json', 'logs/patchbay.log', 'README.txt']));
    expect(JSON.parse(files['transitions.json']!)).toEqual([{ at: '2026-01-01T08:00:00.000Z', profileId: 'site', platform: 'icws', phase: 'active', agentState: 'Available' }]);
    expect(JSON.parse(files['traces.json']!)).toEqual([
      { profileId: 'site', entries: [{ at: '2026-01-01T08:00:01.000Z', method: 'GET', url: 'https://ic1.example.com:8019/icws/1/status?token=[redacted]', status: 200, ms: 3, sentHeaders: ['cookie'] }] },
    ]);
    expect((JSON.parse(files['policy.json']!) as { rejected: { key: string }[] }).rejected.map((r) => r.key)).toEqual(['logLevel']);
    expect((JSON.parse(files['settings.json']!) as { settings: { profiles: unknown[] } }).settings.profiles).toHaveLength(1);
    for (const [name, text] of Object.entries(files)) expect(text.includes(OLD_SECRET), `${name} holds the secret`).toBe(false);
  });

  it('needs --out', async () => {
    const run = await cli(['diagnostics'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out FILE is required/);
  });
});
