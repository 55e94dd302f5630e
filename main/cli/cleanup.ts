// Clean stop for `patchbay start` (issue 14 item 10): SIGINT/SIGTERM to the app's own process stop the
// lab and every child, and the temporary directories holding lab material (`patchbay-lab-*`) and
// Chromium profiles (`patchbay-chromium-*`) are removed — also when start-up is still under way, and
// (children killed, directories removed synchronously) when the process exits any other way.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

export type ProcessLike = Pick<NodeJS.EventEmitter, 'once' | 'on' | 'off'>;

export class Cleanup {
  private readonly steps: (() => Promise<void>)[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();
  private running: Promise<void> | undefined;

  /** An async step (close a server, sign sessions out of memory); run in reverse order of adding. */
  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  /** A child process: sent SIGTERM at stop, SIGKILL at exit if still there. */
  child(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** A temporary directory removed (recursively) at stop and at exit. */
  tempDir(path: string): string {
    this.dirs.add(path);
    return path;
  }

  /** Runs everything once; later calls wait for the same run. Never throws. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of [...this.steps].reverse()) await step().catch(() => undefined);
      await Promise.all([...this.children].map((child) => stopChild(child)));
      for (const dir of this.dirs) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      this.dirs.clear();
    })();
    return this.running;
  }

  /** What can still be done synchronously in an 'exit' handler. */
  runSync(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of this.dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort at exit
      }
    }
  }

  /** SIGINT/SIGTERM run the cleanup then call `done(code)`; an exit without them still kills children
   *  and removes the directories. Returns the function that removes the handlers. */
  install(proc: ProcessLike, done: (code: number) => void): () => void {
    const onSignal = () => void this.run().then(() => done(0));
    const onExit = () => this.runSync();
    proc.once('SIGINT', onSignal);
    proc.once('SIGTERM', onSignal);
    proc.on('exit', onExit);
    return () => {
      proc.off('SIGINT', onSignal);
      proc.off('SIGTERM', onSignal);
      proc.off('exit', onExit);
    };
  }
}

/** SIGTERM, then SIGKILL when the child has not gone after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
