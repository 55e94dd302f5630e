// Starts the emulated contact center as a child process (the lab is its own program, never imported
// by main/) and reads the profile files it writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PatchbayError } from '../core/errors.ts';
import { readProfileDir, type ProfileFile } from '../core/sessions/profile-file.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const LAB_ENTRY = join(REPO_ROOT, 'lab', 'index.ts');

export interface RunningLab {
  child: ChildProcess;
  profilesDir: string;
  profiles: ProfileFile[];
  /** The lab's human block (servers, fault controls, users), as lab/summary.ts writes it. */
  summary: string[];
  /** Stops the lab and removes the profile directory when this function created it. */
  stop(): Promise<void>;
}

export function labAvailable(): boolean {
  return existsSync(LAB_ENTRY);
}

export function spawnLab(args: string[], stdio: 'inherit' | 'pipe'): ChildProcess {
  if (!labAvailable()) {
    throw new PatchbayError('lab.not-installed', 'The lab is not part of this installation (it ships with the source tree only).', { action: 'none' });
  }
  // stdin is a pipe that stays open while we live; the lab stops when it closes (--stop-on-stdin-end),
  // so it is never orphaned, even when this process is killed outright (issue 14 item 10).
  return spawn(process.execPath, [LAB_ENTRY, ...args, '--stop-on-stdin-end'], { stdio: ['pipe', stdio, 'inherit'] });
}

/** Start the lab, wait until its profile files are written (up to timeoutMs), return them. */
export async function startLabProcess(options: { profilesDir?: string; timeoutMs?: number; onChild?: (child: ChildProcess) => void } = {}): Promise<RunningLab> {
  const ownDir = options.profilesDir === undefined;
  const profilesDir = options.profilesDir ?? (await mkdtemp(join(tmpdir(), 'patchbay-lab-')));
  const summaryPath = join(profilesDir, 'lab-summary.txt');
  const child = spawnLab(['--profiles-out', profilesDir, '--summary-out', summaryPath], 'pipe');
  options.onChild?.(child);
  child.stdout?.resume();
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastCount = -1;
  for (;;) {
    const late = Date.now() > deadline;
    if (exited !== undefined || late) {
      child.kill('SIGTERM');
      if (ownDir) await rm(profilesDir, { recursive: true, force: true });
    }
    if (exited !== undefined) throw new PatchbayError('lab.exited', `The lab stopped during start-up (exit code ${exited}).`, { action: 'retry' });
    if (late) throw new PatchbayError('lab.timeout', 'The lab did not start in time.', { action: 'retry' });
    const count = (await readdir(profilesDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).length;
    if (count > 0 && count === lastCount) break;
    lastCount = count;
    await new Promise((r) => setTimeout(r, 150));
  }
  const profiles = await readProfileDir(profilesDir);
  const summary = (await readFile(summaryPath, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return {
    child,
    profilesDir,
    profiles,
    summary,
    stop: async () => {
      await new Promise<void>((done) => {
        if (exited !== undefined) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
      if (ownDir) await rm(profilesDir, { recursive: true, force: true });
    },
  };
}
