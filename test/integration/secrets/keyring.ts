// A real Secret Service for tests (rigs/toolchain.md): a private D-Bus session bus
// (dbus-run-session) with gnome-keyring-daemon, its keyrings under a throw-away HOME. Each call is
// one "login": the same HOME keeps the keyring across calls, like a restart of the machine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODE = process.execPath;

export function keyringToolsMissing(): string | undefined {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install dbus gnome-keyring)`;
  }
  return undefined;
}

export function keyringHome(): string {
  return mkdtempSync(join(tmpdir(), 'pb-keyring-'));
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last JSON line the child printed. */
  result: unknown;
}

// Separate statements: `export A=… B=$A` would expand $A before A is set.
const SESSION_SCRIPT = `set -e
home="$1"; unlock="$2"; shift 2
export HOME="$home"
export XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/run"
mkdir -p -m700 "$XDG_RUNTIME_DIR"
if [ "$unlock" = 1 ]; then
  eval "$(printf %s keyring-test-login | gnome-keyring-daemon --unlock --components=secrets --daemonize 2>/dev/null)"
else
  eval "$(gnome-keyring-daemon --components=secrets --daemonize 2>/dev/null)"
fi
exec "$@"`;

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keyring child timed out: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      let result: unknown;
      try {
        result = last ? JSON.parse(last) : undefined;
      } catch {
        result = undefined;
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

/** Runs `node script ...args` inside its own D-Bus session with gnome-keyring (unlocked or locked). */
export function runWithKeyring(home: string, script: string, args: string[], options: { unlock: boolean; timeoutMs?: number }): Promise<ChildResult> {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  return run('dbus-run-session', ['--', 'bash', '-c', SESSION_SCRIPT, 'keyring', home, options.unlock ? '1' : '0', NODE, script, ...args], env, options.timeoutMs ?? 20_000);
}

/** Runs `node script ...args` with no D-Bus session at all (no Secret Service). */
export function runWithoutBus(script: string, args: string[]): Promise<ChildResult> {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  return run(NODE, [script, ...args], env, 20_000);
}
