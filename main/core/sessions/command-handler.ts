// One dispatcher for both shells: validates every argument with the contract's zod schemas and
// turns every outcome into a Result — nothing throws across the bridge (DESIGN.md "The contract").
import { Commands, validationError, type CommandName, type ContractError, type PolicyView, type Result, type SettingsPatch, type SettingsView } from '../../../preload/contract.ts';
import { PatchbayError, toPatchbayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { SessionManager } from './session-manager.ts';

export type CommandHandler = (command: string, rawArgs: unknown) => Promise<Result<unknown>>;

export interface CommandHandlerOptions {
  diagnosticsExport?: () => Promise<{ path: string; canReveal?: boolean }>;
  /** "Show in folder" (issue 13 item 5): checks the path is a zip this run wrote, then shows it. */
  diagnosticsReveal?: (path: string) => Promise<{ shown: boolean }>;
  policyView?: () => PolicyView;
  /** Rate-limited renderer log sink; false when a line was dropped. */
  rendererLog?: (line: { level: 'debug' | 'info' | 'warn' | 'error'; message: string; context?: Record<string, string | number | boolean> }) => boolean;
  /** The agent's settings (main/core/settings/settings-view.ts); save throws settings.locked / settings.invalid. */
  settings?: { get(): SettingsView; save(patch: SettingsPatch): Promise<SettingsView> };
}

function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(Commands, name);
}

export function createCommandHandler(manager: SessionManager, log: Logger, options: CommandHandlerOptions = {}): CommandHandler {
  return async (command, rawArgs) => {
    if (typeof command !== 'string' || !isCommandName(command)) {
      return { ok: false, error: { code: 'contract.unknown-command', message: 'Unknown command.', action: 'none' } };
    }
    const parsed = Commands[command].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      log.warn('contract.invalid-arguments', { command });
      return { ok: false, error: validationError(parsed.error) };
    }
    try {
      const value = await run(manager, command, parsed.data, options);
      return { ok: true, value };
    } catch (error) {
      const typed = toPatchbayError(error);
      if (typed.code === 'internal.unexpected') log.error('command.failed', { command, error });
      const contractError: ContractError = typed.toContract();
      return { ok: false, error: contractError };
    }
  };
}

// The args were validated by the command's own schema just above.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function run(manager: SessionManager, command: CommandName, args: any, options: CommandHandlerOptions): Promise<unknown> {
  switch (command) {
    case 'profiles.list':
      return manager.listProfiles();
    case 'profiles.save':
      return manager.saveProfile(args.profile);
    case 'profiles.remove':
      return { removed: await manager.removeProfile(args.profileId) };
    case 'session.list':
      return manager.listSessions();
    case 'session.signInOptions':
      return manager.signInOptions(args.profileId, args.userName ? { userName: args.userName } : {});
    case 'session.signIn': {
      const { profileId, ...input } = args;
      return manager.signIn(profileId, input);
    }
    case 'session.signOut':
      return manager.signOut(args.profileId, args.reasonCodeId ? { reasonCodeId: args.reasonCodeId } : {});
    case 'session.cancel':
      return manager.cancel(args.profileId);
    case 'session.retryNow':
      return manager.retryNow(args.profileId);
    case 'workspace.open':
      return manager.openWorkspace(args.profileId, args.bounds);
    case 'workspace.close':
      return manager.closeWorkspace(args.profileId);
    case 'workspace.setBounds':
      return { placed: manager.setWorkspaceBounds(args.profileId, args.bounds) };
    case 'agent.listStates':
      return manager.listStates(args.profileId);
    case 'agent.setState':
      return manager.setAgentState(args.profileId, args.stateId, args.reasonId);
    case 'call.act':
      return manager.actOnCall(args.profileId, args.callId, args.action);
    case 'profiles.forgetSecrets':
      return { forgotten: await manager.forgetSecrets(args.profileId) };
    case 'policy.get':
      return (
        options.policyView?.() ?? {
          managedProfileIds: [],
          lockedProfileFields: [],
          allowUserProfiles: true,
          rememberPasswordAllowed: false,
          rejected: [],
          secretsBackend: 'memory',
          profileDefaults: {},
        }
      );
    case 'log.write':
      return { logged: options.rendererLog ? options.rendererLog(args) : false };
    case 'settings.get':
      return settingsOrThrow(options).get();
    case 'settings.save':
      return settingsOrThrow(options).save(args);
    case 'diagnostics.export': {
      if (!options.diagnosticsExport) {
        throw new PatchbayError('diagnostics.unavailable', 'Diagnostics export is not available yet.', { action: 'none' });
      }
      return options.diagnosticsExport();
    }
    case 'diagnostics.reveal': {
      // The browser shell has no file manager: the renderer offers "Copy path" there instead.
      if (!options.diagnosticsReveal) {
        throw new PatchbayError('diagnostics.reveal-unavailable', 'This window cannot open a file manager; copy the path instead.', { action: 'none' });
      }
      return options.diagnosticsReveal(args.path);
    }
  }
}

function settingsOrThrow(options: CommandHandlerOptions): NonNullable<CommandHandlerOptions['settings']> {
  if (!options.settings) throw new PatchbayError('settings.unavailable', 'Settings are not available here.', { action: 'none' });
  return options.settings;
}
