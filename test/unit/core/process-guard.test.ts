import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { keepRunningOnStrayRejections } from '../../../main/core/process-guard.ts';

describe('keepRunningOnStrayRejections', () => {
  it('logs a stray rejection (redacted) instead of letting it end the process', () => {
    const target = new EventEmitter();
    const sink = memorySink();
    const stop = keepRunningOnStrayRejections(createLogger({ sink }), target);
    target.emit('unhandledRejection', new Error('socket closed; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'));
    expect(sink.entries).toHaveLength(1);
    expect(sink.entries[0]?.event).toBe('process.unhandled-rejection');
    expect(JSON.stringify(sink.entries)).not.toContain('eyJzdWIiOiJ4In0');
    stop();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
  });
});
