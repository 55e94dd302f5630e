// The `patchbay` command (DESIGN.md "Shells: CLI"):
//   patchbay start [--lab|--no-lab] [--port N] [--no-open]   the app (Electron if present, else the browser shell)
//   patchbay lab [--profiles-out DIR]                        the emulated contact center, until interrupted
//   patchbay probe --profile FILE [--set-state ID] [--watch SECONDS] [--json]
//                                                            IT's synthetic sign-in check
//   patchbay diagnostics --out FILE [--data-dir DIR]         the "Export diagnostics" zip, from disk
import { parseArgs } from 'node:util';
import type { SessionState } from '../../preload/contract.ts';
import { createCore } from '../core/app-core.ts';
import { PatchbayError, toPatchbayError } from '../core/errors.ts';
import { createLogger, consoleSink, type LogLevel } from '../core/log.ts';
import { createDispatcher } from '../core/net/proxy.ts';
import { readProfileFile } from '../core/sessions/profile-file.ts';
import { loadPolicy } from '../core/settings/policy.ts';
import { MemoryProfileStore } from '../core/sessions/profile-store.ts';
import { REPO_ROOT, spawnLab } from './launch-lab.ts';

const USAGE = `usage:
  patchbay start [--lab | --no-lab] [--port N] [--no-open]
  patchbay lab [--profiles-out DIR]
  patchbay probe --profile FILE [--set-state ID] [--watch SECONDS] [--json]
  patchbay diagnostics --out FILE [--data-dir DIR]`;

/** Logs go to stderr; the probe's stderr is one clear line unless PATCHBAY_LOG_LEVEL asks for more. */
function logLevel(): LogLevel {
  const level = process.env.PATCHBAY_LOG_LEVEL;
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : 'error';
}

export async function probe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { profile: { type: 'string' }, 'set-state': { type: 'string' }, reason: { type: 'string' }, extension: { type: 'string' }, watch: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.profile) throw new PatchbayError('cli.usage', '--profile FILE is required.', { action: 'none' });
  const watchSeconds = values.watch === undefined ? 0 : Number(values.watch);
  if (!Number.isFinite(watchSeconds) || watchSeconds < 0 || watchSeconds > 86_400) {
    throw new PatchbayError('cli.usage', '--watch takes a number of seconds between 0 and 86400.', { action: 'none' });
  }
  const file = await readProfileFile(values.profile);
  const { profile } = file;
  // A real profile never holds a password: IT's check passes it in the environment.
  const password = file.fixturePassword ?? process.env.PATCHBAY_PASSWORD;
  if (profile.authMode === 'password' && (!profile.userName || !password)) {
    throw new PatchbayError('cli.credentials-missing', 'The profile needs a userName, and the password in PATCHBAY_PASSWORD.', { action: 'none' });
  }
  const log = createLogger({ sink: consoleSink(process.stderr), level: logLevel() });
  // IT's check goes through the same network as the app: the machine policy's CA bundle and proxy.
  const policy = loadPolicy().policy;
  const network = createDispatcher({ ...(policy.caBundle ? { caBundlePath: policy.caBundle } : {}), ...(policy.proxy ? { proxy: policy.proxy } : {}), log });
  for (const warning of network.warnings) process.stderr.write(`patchbay probe: warning: ${warning}\n`);
  const { manager } = createCore({ profiles: new MemoryProfileStore([profile]), log, dispatcher: network.dispatcher });
  let reachedActive = false;
  const print = (state: SessionState) => {
    if (state.phase === 'active') reachedActive = true;
    if (values.json) process.stdout.write(JSON.stringify(state) + '\n');
    else process.stdout.write(`${state.updatedAt} ${state.phase}${state.agent ? ` ${state.agent.label}` : ''}${state.lastError ? ` — ${state.lastError.message}` : ''}\n`);
  };
  manager.stateEvents.add(print);
  try {
    await manager.signIn(profile.id, {
      ...(password ? { credentials: { userName: profile.userName ?? '', password } } : {}),
      ...(values.extension ? { extension: values.extension } : {}),
    });
    if (values['set-state']) await manager.setAgentState(profile.id, values['set-state'], values.reason);
    if (watchSeconds > 0) await new Promise((r) => setTimeout(r, watchSeconds * 1000));
    const final = manager.snapshot(profile.id);
    if (final?.phase !== 'active') {
      throw new PatchbayError('cli.session-lost', final?.lastError?.message ?? 'The session did not stay active.', { action: 'retry' });
    }
    await manager.signOut(profile.id);
  } finally {
    await manager.shutdown({ signOut: false });
    await network.close().catch(() => undefined);
  }
  return reachedActive ? 0 : 1;
}

async function lab(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'profiles-out': { type: 'string' } }, strict: true });
  const child = spawnLab(values['profiles-out'] ? ['--profiles-out', values['profiles-out']] : [], 'inherit');
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((done) => child.once('exit', (code) => done(code ?? 0)));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'probe':
        return await probe(rest);
      case 'lab':
        return await lab(rest);
      case 'diagnostics': {
        const { diagnostics } = await import('./diagnostics.ts');
        return await diagnostics(rest, REPO_ROOT);
      }
      case 'start': {
        const { start } = await import('./start.ts');
        return await start(rest);
      }
      default:
        process.stderr.write(`${USAGE}\n`);
        return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
    }
  } catch (error) {
    // One clear line, never a stack trace with possible secrets.
    const typed = error instanceof TypeError && /parseArgs|option/i.test(error.message) ? new PatchbayError('cli.usage', error.message) : toPatchbayError(error);
    process.stderr.write(`patchbay ${command ?? ''}: ${typed.message} [${typed.code}]\n`);
    return typed.code === 'cli.usage' ? 2 : 1;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
