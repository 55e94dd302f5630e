// `patchbay probe --logout-reason` (issue 13 item 6): the probe's final sign-out sends the Logout
// reason IT gave, and without one it sends none — never a default reason nobody picked. Run as a real
// process (bin/patchbay.mjs) against the lab's Finesse (UCCE), whose LOGOUT reasons are 11 (End of
// shift) and 12 (Personal) and which requires one (requireLogoutReason): a bare LOGOUT gets a 400.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLab, writeProfileFiles, type Lab } from '../../../lab/index.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', '..', 'bin', 'patchbay.mjs');
let lab: Lab;
let dir: string;
const JDOE = '98412';

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'pb-probe-logout-'));
  await writeProfileFiles(dir, lab.profiles);
});
afterAll(async () => {
  await lab?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function probe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATCHBAY_POLICY_FILE: join(dir, 'no-policy.json') };
  delete env.PATCHBAY_PASSWORD;
  delete env.DISPLAY;
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, 'probe', '--profile', join(dir, 'lab-finesse-ucce-password.json'), '--extension', '1001002', ...args], { timeout: 40_000, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe('patchbay probe --logout-reason (issue 13 item 6)', () => {
  it('without --logout-reason the final Logout carries no reason (no default code): a server that wants one refuses it, and the probe names the option', async () => {
    lab.finesse.ucce.clearRequests();
    const result = await probe(['--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('give --logout-reason ID, one of 11 (End of shift), 12 (Personal).');
    // The lab requires a Logout reason (requireLogoutReason): a default reason would have been taken (202).
    const puts = lab.finesse.ucce.requests.filter((r) => r.method === 'PUT' && r.path === `/finesse/api/User/${JDOE}`);
    expect(puts.at(-1)?.status).toBe(400);
    expect(lab.finesse.ucce.userState(JDOE).state).not.toBe('LOGOUT');
    lab.finesse.ucce.setUserState(JDOE, 'LOGOUT', { reasonCodeId: '11' }); // clean up for the next test
  });

  it('--logout-reason ID (or its label) is the reason the Logout carries', async () => {
    let result = await probe(['--logout-reason', '12']);
    expect(result.code, result.stderr).toBe(0);
    expect(lab.finesse.ucce.userState(JDOE)).toMatchObject({ state: 'LOGOUT', reasonCodeId: '12' });
    result = await probe(['--logout-reason', 'end of shift']);
    expect(result.code, result.stderr).toBe(0);
    expect(lab.finesse.ucce.userState(JDOE)).toMatchObject({ state: 'LOGOUT', reasonCodeId: '11' });
  });

  it('a reason that is not offered fails the check, naming the offered ones, and sends no reason in its place', async () => {
    lab.finesse.ucce.clearRequests();
    const result = await probe(['--logout-reason', '99', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--logout-reason 99 is not offered; signed out without a reason. Give one of 11 (End of shift), 12 (Personal).');
    const puts = lab.finesse.ucce.requests.filter((r) => r.method === 'PUT' && r.path === `/finesse/api/User/${JDOE}`);
    expect(puts.at(-1)?.status).toBe(400); // the bare LOGOUT, refused by a server that wants a reason
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { steps: { step: string; ok: boolean }[] };
    expect(summary.steps.at(-1)).toMatchObject({ step: 'sign-out', ok: false });
    lab.finesse.ucce.setUserState(JDOE, 'LOGOUT', { reasonCodeId: '11' });
  });

  it('--logout-reason with --stay is a usage error (exit 2)', async () => {
    const result = await probe(['--logout-reason', '11', '--stay']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--logout-reason');
  });
});
