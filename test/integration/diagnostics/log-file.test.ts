// Rotating, size-capped log files with redaction in the sink (issue 5 "Diagnostics").
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listLogFiles, rotatingFileSink, teeSink } from '../../../main/core/log-file.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { testDataDir } from './test-data.ts';

describe('rotating log files', () => {
  it('redacts secrets in the sink even when used without the logger', () => {
    const dir = testDataDir('logs-redact');
    const sink = rotatingFileSink({ dir });
    sink.write({ at: '2026-01-01T00:00:00.000Z', level: 'info', event: 'x', password: 'agent1-lab-pw', url: 'https://h/cb?code=abc123&state=s', cookie: 'icws_1=2' });
    sink.close();
    const text = readFileSync(join(dir, 'patchbay.log'), 'utf8');
    expect(text).not.toContain('agent1-lab-pw');
    expect(text).not.toContain('abc123');
    expect(text).not.toContain('icws_1=2');
    expect(JSON.parse(text)).toMatchObject({ password: '[redacted]', cookie: '[redacted]', url: 'https://h/cb?code=[redacted]&state=s' });
    expect(statSync(join(dir, 'patchbay.log')).mode & 0o777).toBe(0o600);
  });

  it('keeps every file under the cap and at most maxFiles files, newest first', () => {
    const dir = testDataDir('logs-rotate');
    const sink = rotatingFileSink({ dir, maxBytes: 2048, maxFiles: 3 });
    const log = createLogger({ sink, level: 'debug' });
    for (let i = 0; i < 200; i++) log.info('tick', { i, filler: 'x'.repeat(40) });
    sink.close();
    const files = listLogFiles(dir);
    expect(files.map((f) => basename(f))).toEqual(['patchbay.log', 'patchbay.1.log', 'patchbay.2.log']);
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(2048);
    const newest = readFileSync(files[0]!, 'utf8').trim().split('\n');
    expect(JSON.parse(newest.at(-1)!)).toMatchObject({ event: 'tick', i: 199 });
    // Older lines went with the deleted files; what is kept is contiguous and in order.
    const kept = files
      .toReversed()
      .flatMap((f) => readFileSync(f, 'utf8').trim().split('\n'))
      .map((line) => (JSON.parse(line) as { i: number }).i);
    expect(kept).toEqual(kept.toSorted((a, b) => a - b));
    expect(kept.at(-1)).toBe(199);
    expect(kept.length).toBeLessThan(200);
  });

  it('appends to the existing file after a restart', () => {
    const dir = testDataDir('logs-append');
    const first = rotatingFileSink({ dir });
    createLogger({ sink: first }).info('one');
    first.close();
    const second = rotatingFileSink({ dir });
    createLogger({ sink: second }).info('two');
    second.close();
    expect(readFileSync(join(dir, 'patchbay.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['one', 'two']);
  });

  it('writes to every sink of a tee even when one fails', () => {
    const memory = memorySink();
    const broken = {
      write() {
        throw new Error('disk full');
      },
    };
    createLogger({ sink: teeSink(broken, memory) }).warn('still here');
    expect(memory.entries.map((e) => e.event)).toEqual(['still here']);
  });
});
