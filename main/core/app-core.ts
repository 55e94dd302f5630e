// Composition of the core for any shell: profiles → SessionManager → contract command handler.
// bootCore() is the whole start-up both shells share (issue 5): IT policy, settings, log files,
// network (TLS + proxy), keychain, profiles (IT's + the agent's), and the start-up notices.
import { join } from 'node:path';
import type { WorkspaceShellPort } from './platforms/genesys-cloud/workspace/surface.ts';
import type { PolicyView, Profile } from '../../preload/contract.ts';
import type { LoginWindow } from './auth/login-window.ts';
import type { ExternalBrowser } from './auth/external-browser.ts';
import { systemClock, type Clock } from './clock.ts';
import { diagnosticsFileName, writeDiagnosticsZip } from './diagnostics/export.ts';
import { createRendererLogGate } from './diagnostics/renderer-log.ts';
import { WrittenDiagnostics } from './diagnostics/reveal.ts';
import { toPatchbayError } from './errors.ts';
import { rotatingFileSink, teeSink, type RotatingFileSink } from './log-file.ts';
import { consoleSink, createLogger, memorySink, type Logger, type LogLevel, type LogSink } from './log.ts';
import { createDispatcher, loginWindowProxy, type CreatedDispatcher } from './net/proxy.ts';
import { platformFactories } from './platforms/registry.ts';
import { keychainServiceFromEnv, openSecretStore, type OpenedSecretStore } from './secrets/open-secret-store.ts';
import type { SecretKind, SecretStore } from './secrets/secret-store.ts';
import { createCommandHandler, type CommandHandler } from './sessions/command-handler.ts';
import { LayeredProfileStore } from './sessions/layered-profile-store.ts';
import type { ProfileStore } from './sessions/profile-store.ts';
import { SessionManager } from './sessions/session-manager.ts';
import { effectiveSettings, type EffectiveSettings } from './settings/effective.ts';
import { loadPolicy, policyNotice, type PolicyLoad } from './settings/policy.ts';
import { policyProfiles, SettingsProfileStore } from './settings/settings-profile-store.ts';
import { openSettingsStore, type SettingsBackendFactory, type SettingsStore } from './settings/settings-store.ts';
import { settingsCommands, type SettingsCommands } from './settings/settings-view.ts';
import type { Dispatcher } from 'undici';

export type LoginWindowProxy = NonNullable<ReturnType<typeof loginWindowProxy>>;

export interface Core {
  manager: SessionManager;
  handler: CommandHandler;
}

export interface CoreOptions {
  profiles: ProfileStore;
  log: Logger;
  clock?: Clock;
  loginWindow?: LoginWindow;
  externalBrowser?: ExternalBrowser;
  /** The shell's host for the embedded Genesys workspace (issue 12). */
  workspaceShell?: WorkspaceShellPort;
  secrets?: SecretStore;
  allowSecret?: (profile: Profile, kind: SecretKind) => boolean;
  dispatcher?: Dispatcher;
  /** IT policy `allowedServerHosts`. */
  allowedServerHosts?: readonly string[];
  /** Writes a diagnostics zip and returns its path (the `diagnostics.export` command). */
  diagnosticsExport?: (manager: SessionManager) => Promise<{ path: string; canReveal?: boolean }>;
  /** "Show in folder" for a zip diagnosticsExport just wrote (issue 13 item 5); absent where the shell has no file manager. */
  diagnosticsReveal?: (path: string) => Promise<{ shown: boolean }>;
  policyView?: () => PolicyView;
  /** The `settings.get` / `settings.save` commands (bootCore: the settings file + IT policy). */
  settings?: SettingsCommands;
}

/** The agent's app language as an Accept-Language value (RFC 9110 §12.5.4), English as the fallback
 *  (issue 13 item 11); undefined while the app follows the OS locale (no header, as before). */
export function acceptLanguageFor(language: 'en' | 'de' | undefined): string | undefined {
  if (language === 'de') return 'de, en;q=0.8';
  return language === 'en' ? 'en' : undefined;
}

export function createCore(options: CoreOptions): Core {
  const settings = options.settings;
  const manager = new SessionManager({
    profiles: options.profiles,
    factories: platformFactories,
    log: options.log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.loginWindow ? { loginWindow: options.loginWindow } : {}),
    ...(options.externalBrowser ? { externalBrowser: options.externalBrowser } : {}),
    ...(options.workspaceShell ? { workspaceShell: options.workspaceShell } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.allowSecret ? { allowSecret: options.allowSecret } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.allowedServerHosts ? { allowedServerHosts: options.allowedServerHosts } : {}),
    ...(settings ? { acceptLanguage: () => acceptLanguageFor(settings.get().settings.language) } : {}),
  });
  const exporter = options.diagnosticsExport;
  const rendererLog = createRendererLogGate({ log: options.log, ...(options.clock ? { clock: options.clock } : {}) });
  return {
    manager,
    handler: createCommandHandler(manager, options.log, {
      ...(exporter ? { diagnosticsExport: () => exporter(manager) } : {}),
      ...(options.diagnosticsReveal ? { diagnosticsReveal: options.diagnosticsReveal } : {}),
      ...(options.policyView ? { policyView: options.policyView } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      rendererLog,
    }),
  };
}

export interface BootOptions {
  /** The user data directory (settings.json, logs/, diagnostics/). */
  dataDir: string;
  shell: 'electron' | 'browser-shell';
  appVersion: string;
  /** conf by default; Electron passes an electron-store factory (same file format). */
  settingsBackend?: SettingsBackendFactory;
  /** Read-only profiles besides IT's (the embedded lab's). */
  fixedProfiles?: Profile[];
  env?: NodeJS.ProcessEnv;
  /** Where log lines go besides the files (default stderr). */
  console?: LogSink;
  clock?: Clock;
  /** The shell's LoginWindow, or a function making it with the proxy rules in force (the LoginWindow
   *  uses the same proxy as the core: Chromium --proxy-server/--proxy-bypass-list, Electron setProxy). */
  loginWindow?: LoginWindow | ((proxy: LoginWindowProxy | undefined) => LoginWindow);
  /** The shell's system browser (Genesys Cloud sign-in): made after the LoginWindow, so the browser
   *  shell can open its pages in the same Chromium. */
  externalBrowser?: ExternalBrowser | (() => ExternalBrowser);
  /** The shell's host for the embedded Genesys workspace (issue 12): browser shell host page, Electron view. */
  workspaceShell?: WorkspaceShellPort | (() => WorkspaceShellPort);
  /** The shell's file manager (Electron shell.showItemInFolder) for "Show in folder" on a diagnostics
   *  zip; the browser shell has none (issue 13 item 5). */
  showItemInFolder?: (path: string) => void;
  /** The keychain probe (tests hand in a memory store). */
  openSecrets?: (log: Logger) => Promise<OpenedSecretStore>;
  platform?: NodeJS.Platform;
  /** An installed app (Electron app.isPackaged): environment overrides meant for development — the
   *  policy file location — are ignored, so an agent cannot swap IT's policy. */
  packaged?: boolean;
}

export interface BootedCore extends Core {
  log: Logger;
  settings: SettingsStore;
  policy: PolicyLoad;
  effective: EffectiveSettings;
  secrets: SecretStore;
  network: CreatedDispatcher;
  /** The proxy rules for the LoginWindow's browser (undefined: the system's own settings). */
  loginWindowProxy: LoginWindowProxy | undefined;
  logFiles: RotatingFileSink;
  /** Writes a diagnostics zip (default: `<dataDir>/diagnostics/patchbay-diagnostics-<time>.zip`). */
  exportDiagnostics(outPath?: string): Promise<{ path: string; files: string[] }>;
  /** Stops sessions (staying signed in on the server, for the next silent resume) and closes files. */
  close(): Promise<void>;
}

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

export async function bootCore(options: BootOptions): Promise<BootedCore> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const policy = loadPolicy({ env, allowPathOverride: options.packaged !== true, ...(options.platform ? { platform: options.platform } : {}) });

  // Settings load before the logger knows its level: buffer those lines, then replay them.
  const early = memorySink();
  const opened = openSettingsStore({ dir: options.dataDir, log: createLogger({ sink: early, level: 'debug', clock }), clock, ...(options.settingsBackend ? { backend: options.settingsBackend } : {}) });
  const settings = opened.store;
  const effective = effectiveSettings(settings.get(), policy.policy);
  const envLevel = env.PATCHBAY_LOG_LEVEL && LOG_LEVELS.includes(env.PATCHBAY_LOG_LEVEL) ? (env.PATCHBAY_LOG_LEVEL as LogLevel) : undefined;
  // IT's level wins; then a developer's PATCHBAY_LOG_LEVEL; then the agent's setting.
  const level: LogLevel = policy.policy.logLevel ?? envLevel ?? effective.logLevel;
  const logFiles = rotatingFileSink({ dir: join(options.dataDir, 'logs') });
  const sink = teeSink(options.console ?? consoleSink(process.stderr), logFiles);
  const log = createLogger({ sink, level, clock }).child({ shell: options.shell });
  const rank = LOG_LEVELS.indexOf(level);
  for (const entry of early.entries) if (LOG_LEVELS.indexOf(entry.level) >= rank) sink.write({ ...entry, shell: options.shell });

  const caBundle = effective.network.caBundle ? { caBundlePath: effective.network.caBundle } : {};
  let network: CreatedDispatcher;
  try {
    network = createDispatcher({ ...caBundle, ...(effective.network.proxy ? { proxy: effective.network.proxy } : {}), env, log });
  } catch (error) {
    // Only the environment can name an unusable proxy (policy and settings are validated): go direct, say so.
    const typed = toPatchbayError(error);
    log.warn('net.proxy-unusable', { error: typed });
    network = createDispatcher({ ...caBundle, proxy: 'direct', env, log });
    network.warnings.push(`${typed.message} Patchbay connects directly instead.`);
  }
  const windowProxy = loginWindowProxy(network.description.proxy);
  const loginWindow = typeof options.loginWindow === 'function' ? options.loginWindow(windowProxy) : options.loginWindow;
  const externalBrowser = typeof options.externalBrowser === 'function' ? options.externalBrowser() : options.externalBrowser;
  const workspaceShell = typeof options.workspaceShell === 'function' ? options.workspaceShell() : options.workspaceShell;
  const keychainService = keychainServiceFromEnv(env, options.packaged === true);
  const secretsOpened = await (options.openSecrets ?? ((l: Logger) => openSecretStore({ log: l, clock, ...(keychainService ? { service: keychainService } : {}) })))(log);
  const secrets = secretsOpened.store;

  const own = new SettingsProfileStore(settings, policy.policy);
  const profiles = new LayeredProfileStore([...policyProfiles(policy.policy), ...(options.fixedProfiles ?? [])], own);

  const live: { manager?: SessionManager } = {};
  const diagnosticsDir = join(options.dataDir, 'diagnostics');
  // issue 13 item 5: only a zip written here may be shown in the file manager (reveal.ts).
  const written = new WrittenDiagnostics(diagnosticsDir);
  const exportDiagnostics = async (outPath?: string) => {
    const path = outPath ?? join(diagnosticsDir, diagnosticsFileName(clock.now()));
    return writeDiagnosticsZip(path, {
      appVersion: options.appVersion,
      shell: options.shell,
      createdAt: new Date(clock.now()).toISOString(),
      settings: settings.get(),
      settingsPath: settings.path,
      policy,
      effective,
      network: network.description,
      secretsBackend: secrets.backend,
      ...(live.manager ? { sessions: await live.manager.listSessions(), transitions: live.manager.recentTransitions(), traces: live.manager.recentTraces() } : {}),
      logFiles: logFiles.files(),
    });
  };
  const core = createCore({
    profiles,
    log,
    clock,
    secrets,
    dispatcher: network.dispatcher,
    ...(policy.policy.allowedServerHosts ? { allowedServerHosts: policy.policy.allowedServerHosts } : {}),
    allowSecret: (profile, kind) => {
      if (kind === 'refresh-token') return policy.policy.silentResume;
      // "Remember password": only where IT allows it (and, once the contract has it, the profile).
      return policy.policy.rememberPassword && profile.options.rememberPassword;
    },
    diagnosticsExport: async () => {
      const { path } = await exportDiagnostics();
      written.remember(path);
      return { path, canReveal: options.showItemInFolder !== undefined };
    },
    ...(options.showItemInFolder
      ? {
          diagnosticsReveal: async (path: string) => {
            options.showItemInFolder?.(written.check(path));
            return { shown: true };
          },
        }
      : {}),
    policyView: () => ({
      managedProfileIds: policy.policy.profiles.map((p) => p.id),
      lockedProfileFields: [...policy.policy.lockedProfileFields],
      allowUserProfiles: policy.policy.allowUserProfiles,
      rememberPasswordAllowed: policy.policy.rememberPassword,
      rejected: policy.rejected,
      secretsBackend: secrets.backend,
      profileDefaults: (({ platform, servers, authMode, language, applicationName }) => ({
        ...(platform ? { platform } : {}),
        ...(servers ? { servers } : {}),
        ...(authMode ? { authMode } : {}),
        ...(language ? { language } : {}),
        ...(applicationName ? { applicationName } : {}),
      }))(policy.policy.profileDefaults),
    }),
    // Network changes apply at the next start (the dispatcher is built once, above).
    settings: settingsCommands(settings, policy.policy),
    ...(loginWindow ? { loginWindow } : {}),
    ...(externalBrowser ? { externalBrowser } : {}),
    ...(workspaceShell ? { workspaceShell } : {}),
  });
  live.manager = core.manager;

  // Start-up notices: kept (sticky) so a window that opens later still shows them once.
  for (const notice of opened.notices) core.manager.notify(notice, { sticky: true });
  const fromPolicy = policyNotice(policy);
  if (fromPolicy) core.manager.notify(fromPolicy, { sticky: true });
  for (const warning of network.warnings) core.manager.notify({ level: 'warning', message: warning }, { sticky: true });
  if (secretsOpened.warning) core.manager.notify(secretsOpened.warning, { sticky: true });
  if (policy.rejected.length > 0) log.warn('policy.rejected-keys', { path: policy.path, rejected: policy.rejected });
  log.info('app.started', {
    version: options.appVersion,
    policy: { path: policy.path, found: policy.found, rejected: policy.rejected.length, lockedProfileFields: policy.policy.lockedProfileFields },
    settings: settings.path,
    secrets: secrets.backend,
    logLevel: level,
  });

  return {
    ...core,
    log,
    settings,
    policy,
    effective,
    secrets,
    network,
    loginWindowProxy: windowProxy,
    logFiles,
    exportDiagnostics,
    close: async () => {
      await core.manager.shutdown({ signOut: false });
      await network.close().catch(() => undefined);
      logFiles.close();
    },
  };
}
