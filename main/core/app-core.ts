// Composition of the core for any shell: profiles → SessionManager → contract command handler.
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';
import { platformFactories } from './platforms/registry.ts';
import { createCommandHandler, type CommandHandler } from './sessions/command-handler.ts';
import type { ProfileStore } from './sessions/profile-store.ts';
import { SessionManager } from './sessions/session-manager.ts';

export interface Core {
  manager: SessionManager;
  handler: CommandHandler;
}

export function createCore(options: { profiles: ProfileStore; log: Logger; clock?: Clock }): Core {
  const manager = new SessionManager({
    profiles: options.profiles,
    factories: platformFactories,
    log: options.log,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { manager, handler: createCommandHandler(manager, options.log) };
}
