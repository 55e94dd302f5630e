// An agent must never lose their session to a crash: a promise rejected with nobody listening (a
// library's internal one, typically) is logged — redacted, like everything — and the app goes on.
import type { Logger } from './log.ts';

export function keepRunningOnStrayRejections(log: Logger, target: NodeJS.EventEmitter = process): () => void {
  const onRejection = (reason: unknown) => log.error('process.unhandled-rejection', { error: reason });
  target.on('unhandledRejection', onRejection);
  return () => target.off('unhandledRejection', onRejection);
}
