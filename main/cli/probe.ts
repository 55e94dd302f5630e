// `patchbay probe`: IT's synthetic sign-in check (DESIGN.md "Shells: CLI", issue 14 items 2–4, 6).
// A monitor leaves nothing behind: whatever happens — a failed step, Ctrl+C, SIGTERM — the probe
// signs out what it signed in and says so, unless --stay is given.
import type { SessionState } from '../../preload/contract.ts';
import type { ChromiumExternalBrowser } from '../browser-shell/external-browser.ts';
import type { ChromiumLoginWindow } from '../browser-shell/login-window.ts';
import { createCore } from '../core/app-core.ts';
import { PatchbayError, toPatchbayError } from '../core/errors.ts';
import { consoleSink, createLogger, type LogLevel } from '../core/log.ts';
import { createDispatcher, loginWindowProxy } from '../core/net/proxy.ts';
import { keychainServiceFromEnv, openSecretStore } from '../core/secrets/open-secret-store.ts';
import { MemorySecretStore, type SecretStore } from '../core/secrets/secret-store.ts';
import { readProfileFile } from '../core/sessions/profile-file.ts';
import { MemoryProfileStore } from '../core/sessions/profile-store.ts';
import type { SessionManager } from '../core/sessions/session-manager.ts';
import { loadPolicy } from '../core/settings/policy.ts';
import { choiceOption, EXIT, exitCodeOf, parseCommand, secondsOption, usageError } from './args.ts';
import { commandHelp } from './help.ts';
import { ChangePrinter, explainStateError, explainUnknownState, logoutReasonFor, summaryLine, type ProbeStep, type ProbeSummary } from './probe-output.ts';

const OPTIONS = {
  profile: { type: 'string' },
  extension: { type: 'string' },
  'set-state': { type: 'string' },
  reason: { type: 'string' },
  'logout-reason': { type: 'string' },
  watch: { type: 'string' },
  'sign-in-window': { type: 'string' },
  resume: { type: 'boolean' },
  stay: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** A server that does not answer the sign-out must not hang the monitor. */
const SIGN_OUT_LIMIT_MS = 15_000;

export interface ProbeIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where SIGINT/SIGTERM are listened for (default: this process). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Log lines on stderr stay off unless PATCHBAY_LOG_LEVEL asks: the probe's stderr is one clear line. */
function logLevel(): LogLevel {
  const level = process.env.PATCHBAY_LOG_LEVEL;
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : 'error';
}

export async function probe(argv: string[], io: ProbeIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const json = argv.includes('--json');
  const steps: ProbeStep[] = [];
  const summary: ProbeSummary = { result: 'failed', code: EXIT.checkFailed, signInMs: null, steps, signedOut: 'none' };
  const finish = (code: number, error?: PatchbayError): number => {
    summary.code = code;
    summary.result = code === EXIT.ok ? 'ok' : 'failed';
    if (error) {
      summary.error = { code: error.code, message: error.message };
      io.stderr.write(`patchbay probe: ${error.message} [${error.code}]\n`);
    }
    if (json) io.stdout.write(`${summaryLine(summary)}\n`);
    return code;
  };
  try {
    const parsed = parseCommand(argv, OPTIONS);
    if (parsed.help) {
      io.stdout.write(commandHelp('probe'));
      return EXIT.ok;
    }
    return await run(parsed.values, io, summary, finish);
  } catch (error) {
    const typed = toPatchbayError(error);
    return finish(exitCodeOf(typed), typed);
  }
}

type Values = Extract<ReturnType<typeof parseCommand<typeof OPTIONS>>, { help: false }>['values'];

async function run(values: Values, io: ProbeIo, summary: ProbeSummary, finish: (code: number, error?: PatchbayError) => number): Promise<number> {
  if (!values.profile) throw usageError('--profile FILE is required (see patchbay probe --help).');
  const watchSeconds = secondsOption('watch', values.watch, 0, 86_400) ?? 0;
  const windowMode = choiceOption('sign-in-window', values['sign-in-window'], ['headless', 'visible'] as const);
  if (values.reason !== undefined && values['set-state'] === undefined) throw usageError('--reason goes with --set-state.');
  if (values['logout-reason'] !== undefined && values.stay) throw usageError('--logout-reason is for the final sign-out: it does not go with --stay.');
  if (values.resume && windowMode) throw usageError('--resume signs in silently: it takes no --sign-in-window.');
  const json = values.json === true;
  const stay = values.stay === true;

  const file = await readProfileFile(values.profile);
  const { profile } = file;
  // Issue 14 item 3: the password IT passes in wins over a lab fixture's; a real profile has none.
  const password = process.env.PATCHBAY_PASSWORD || file.fixturePassword;
  if (!values.resume && profile.authMode === 'password' && (!profile.userName || !password)) {
    throw new PatchbayError('cli.credentials-missing', 'The profile needs a userName, and the password in PATCHBAY_PASSWORD.', { action: 'none' });
  }

  const log = createLogger({ sink: consoleSink(io.stderr), level: logLevel() });
  // IT's check goes through the same network as the app: the machine policy's CA bundle and proxy.
  const policy = loadPolicy().policy;
  const network = createDispatcher({ ...(policy.caBundle ? { caBundlePath: policy.caBundle } : {}), ...(policy.proxy ? { proxy: policy.proxy } : {}), log });
  for (const warning of network.warnings) io.stderr.write(`patchbay probe: warning: ${warning}\n`);

  // The keychain only where the probe must share it with the app: --resume reads the saved sign-in,
  // --stay leaves one for the next --resume. Otherwise memory, so the probe's own sign-out can never
  // delete the app's saved sign-in for the same profile.
  let secrets: SecretStore = new MemorySecretStore();
  if (values.resume || stay) {
    const keychainService = keychainServiceFromEnv(process.env, false);
    const opened = await openSecretStore({ log, ...(keychainService ? { service: keychainService } : {}) });
    if (values.resume && opened.store.backend !== 'keychain') {
      await network.close().catch(() => undefined);
      throw new PatchbayError('cli.no-keychain', `--resume needs the system keychain: ${opened.warning?.message ?? 'it is not available'}`, { action: 'contact-it' });
    }
    secrets = opened.store;
  }

  // SSO (issue 14 item 6): the browser shell's Chromium sign-in window, headless unless asked.
  let loginWindow: ChromiumLoginWindow | undefined;
  let externalBrowser: ChromiumExternalBrowser | undefined;
  if (profile.authMode === 'sso' && !values.resume) {
    // Loaded only here: playwright-core is heavy, and password probes never need it.
    const { createChromiumLoginWindow } = await import('../browser-shell/login-window.ts');
    const { createChromiumExternalBrowser } = await import('../browser-shell/external-browser.ts');
    const proxy = loginWindowProxy(network.description.proxy);
    loginWindow = createChromiumLoginWindow({ log, headless: windowMode !== 'visible', ...(proxy ? { proxy } : {}) });
    externalBrowser = createChromiumExternalBrowser({ chromium: loginWindow, log });
  }

  const { manager } = createCore({
    profiles: new MemoryProfileStore([profile]),
    log,
    dispatcher: network.dispatcher,
    secrets,
    allowSecret: (_p, kind) => kind === 'refresh-token' && policy.silentResume,
    ...(loginWindow ? { loginWindow } : {}),
    ...(externalBrowser ? { externalBrowser } : {}),
  });

  const printer = new ChangePrinter();
  let reachedActive = false;
  let latest: SessionState | undefined;
  const print = (state: SessionState) => {
    latest = state;
    if (state.phase === 'active') reachedActive = true;
    const line = printer.next(state, json ? 'json' : 'text');
    if (line !== undefined) io.stdout.write(`${line}\n`);
  };
  manager.stateEvents.add(print);

  // Ctrl+C / SIGTERM end the current step; the sign-out below still runs.
  const signals = io.signals ?? process;
  let interrupt: (error: PatchbayError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  interrupted.catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals) => interrupt(new PatchbayError('cli.interrupted', `Interrupted by ${signal}.`, { action: 'none' }));
  // `on`, not `once`: a second Ctrl+C during the sign-out must not kill the probe half-way.
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);

  const step = async <T>(name: ProbeStep['step'], body: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const value = await Promise.race([body(), interrupted]);
      summary.steps.push({ step: name, ok: true, ms: Math.round(performance.now() - started) });
      return value;
    } catch (error) {
      const typed = toPatchbayError(error);
      summary.steps.push({ step: name, ok: false, ms: Math.round(performance.now() - started), code: typed.code });
      throw typed;
    }
  };

  let failure: PatchbayError | undefined;
  let signInStarted = false;
  try {
    const started = performance.now();
    signInStarted = true;
    if (values.resume) {
      await step('resume', async () => {
        const outcomes = await manager.resumeAll();
        const mine = outcomes.find((o) => o.profileId === profile.id);
        if (!mine) {
          throw new PatchbayError('cli.config.no-saved-sign-in', `There is no saved sign-in for "${profile.id}" in the keychain: sign in once in the app, or with patchbay probe --sign-in-window visible --stay.`, { action: 'sign-in-again' });
        }
        if (mine.outcome !== 'resumed') {
          const shown = manager.snapshot(profile.id)?.lastError;
          throw new PatchbayError(mine.code ?? `cli.resume-${mine.outcome}`, shown?.message ?? `The saved sign-in could not be used (${mine.outcome}).`, { action: 'sign-in-again' });
        }
      });
    } else {
      await step('sign-in', () =>
        manager.signIn(profile.id, {
          ...(profile.authMode === 'password' && password ? { credentials: { userName: profile.userName ?? '', password } } : {}),
          ...(values.extension ? { extension: values.extension } : {}),
        }),
      );
    }
    summary.signInMs = Math.round(performance.now() - started);

    const stateId = values['set-state'];
    if (stateId !== undefined) {
      await step('set-state', async () => {
        try {
          await manager.setAgentState(profile.id, stateId, values.reason);
        } catch (error) {
          const typed = toPatchbayError(error);
          const states = latest?.selectableStates ?? [];
          const known = states.some((s) => s.id === stateId || s.label === stateId);
          const message = /reason/.test(typed.code) ? explainStateError(typed, states, stateId) : known ? typed.message : explainUnknownState(typed.message, states);
          throw new PatchbayError(typed.code, message, { action: typed.action });
        }
      });
    }
    if (watchSeconds > 0) {
      await step('watch', () => watch(manager, profile.id, watchSeconds * 1000));
    }
    const final = manager.snapshot(profile.id);
    if (final?.phase !== 'active') {
      throw new PatchbayError('cli.session-lost', final?.lastError?.message ?? 'The session did not stay active.', { action: 'retry' });
    }
  } catch (error) {
    failure = toPatchbayError(error);
  } finally {
    // Issue 14 item 2: a probe signs out what it signed in, whatever happened above.
    if (signInStarted && !stay) summary.signedOut = await signOutAfter(manager, profile.id, reachedActive, summary, io, json, values['logout-reason']);
    else if (stay && reachedActive) {
      summary.signedOut = 'stayed';
      if (!json) io.stdout.write(`Stayed signed in to ${profile.name} (--stay).\n`);
    }
    await manager.shutdown({ signOut: false });
    await externalBrowser?.close().catch(() => undefined);
    await loginWindow?.close().catch(() => undefined);
    await network.close().catch(() => undefined);
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
  if (failure) return finish(exitCodeOf(failure), failure);
  return finish(reachedActive && summary.signedOut !== 'failed' && summary.steps.every((s) => s.ok) ? EXIT.ok : EXIT.checkFailed);
}

/** Waits `ms`, ending early (rejecting) when the session ends for good. */
function watch(manager: SessionManager, profileId: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      remove();
      resolve();
    }, ms);
    const remove = manager.stateEvents.add((state) => {
      if (state.profileId !== profileId || (state.phase !== 'failed' && state.phase !== 'signed-out')) return;
      clearTimeout(timer);
      remove();
      reject(new PatchbayError(state.lastError?.code ?? 'cli.session-lost', state.lastError?.message ?? 'The session ended during --watch.', { action: 'retry' }));
    });
  });
}

async function signOutAfter(
  manager: SessionManager,
  profileId: string,
  reachedActive: boolean,
  summary: ProbeSummary,
  io: ProbeIo,
  json: boolean,
  logoutReason: string | undefined,
): Promise<ProbeSummary['signedOut']> {
  const phase = manager.snapshot(profileId)?.phase;
  // Nothing reached the server's "signed in" (or it is already gone): nothing to undo.
  if (!reachedActive && (phase === undefined || phase === 'signed-out')) return 'none';
  // Issue 13 item 6: the Logout reason only when IT gave one (--logout-reason), never a default.
  const states = phase === 'active' ? await manager.listStates(profileId).catch(() => manager.snapshot(profileId)?.selectableStates ?? []) : [];
  const { reasonCodeId, problem } = logoutReasonFor(logoutReason, states);
  if (problem) io.stderr.write(`patchbay probe: ${problem}\n`);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      manager.signOut(profileId, reasonCodeId ? { reasonCodeId } : {}),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new PatchbayError('cli.sign-out-timeout', 'The server did not confirm the sign-out in time.', { action: 'retry' })), SIGN_OUT_LIMIT_MS))),
    ]);
    // Signed out, but not as IT asked: the check fails so the wrong reason is seen.
    summary.steps.push({ step: 'sign-out', ok: problem === undefined, ms: Math.round(performance.now() - started), ...(problem ? { code: 'cli.logout-reason-unknown' } : {}) });
    if (!json && reachedActive) io.stdout.write('Signed out (the probe leaves nothing behind; --stay keeps the session).\n');
    return reachedActive ? 'signed-out' : 'none';
  } catch (error) {
    const typed = toPatchbayError(error);
    summary.steps.push({ step: 'sign-out', ok: false, ms: Math.round(performance.now() - started), code: typed.code });
    // A server that wants a Logout reason refuses the bare LOGOUT: name the option and the reasons.
    const offered = states.find((s) => s.signsOut === true)?.reasons ?? [];
    const hint = logoutReason === undefined && offered.length > 0 ? ` To sign out with a Logout reason, give --logout-reason ID, one of ${offered.map((r) => `${r.id} (${r.label})`).join(', ')}.` : '';
    io.stderr.write(`patchbay probe: could not sign out: ${typed.message} [${typed.code}]${hint}\n`);
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
