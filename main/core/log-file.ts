// Rotating, size-capped log files (issue 5 "Diagnostics"): `<name>.log` is the current file; when
// the next line would pass maxBytes it becomes `<name>.1.log` (older ones shift up, the oldest
// beyond maxFiles is deleted). Redaction happens in the sink too, so a file never holds a secret
// even when this sink is used without the logger (log.ts redacts before any sink as well).
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { redact, type LogEntry, type LogSink } from './log.ts';

export interface RotatingFileSinkOptions {
  dir: string;
  /** File base name (default 'patchbay' → patchbay.log, patchbay.1.log, …). */
  name?: string;
  /** Size cap of one file in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Files kept, the current one included (default 5). */
  maxFiles?: number;
}

export interface RotatingFileSink extends LogSink {
  /** Paths of the log files, newest first (those that exist). */
  files(): string[];
  close(): void;
}

export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;

export function logFilePath(dir: string, name: string, index: number): string {
  return join(dir, index === 0 ? `${name}.log` : `${name}.${index}.log`);
}

/** Log files in `dir` for `name`, newest first (also used by the CLI's diagnostics export). */
export function listLogFiles(dir: string, name = 'patchbay'): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.(\\d+))?\\.log$`);
  return entries
    .map((file) => ({ file, match: pattern.exec(file) }))
    .filter((e): e is { file: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ path: join(dir, e.file), index: e.match[1] === undefined ? 0 : Number(e.match[1]) }))
    .sort((a, b) => a.index - b.index)
    .map((e) => e.path);
}

export function rotatingFileSink(options: RotatingFileSinkOptions): RotatingFileSink {
  const dir = options.dir;
  const name = options.name ?? 'patchbay';
  const maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
  const maxFiles = Math.max(1, options.maxFiles ?? DEFAULT_LOG_MAX_FILES);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fd: number | undefined;
  let size = 0;

  const open = () => {
    fd = openSync(logFilePath(dir, name, 0), 'a', 0o600);
    size = fstatSync(fd).size;
  };

  const rotate = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(logFilePath(dir, name, maxFiles - 1), { force: true });
    for (let index = maxFiles - 2; index >= 0; index--) {
      const from = logFilePath(dir, name, index);
      if (existsSync(from)) renameSync(from, logFilePath(dir, name, index + 1));
    }
  };

  return {
    write(entry: LogEntry) {
      const line = Buffer.from(`${JSON.stringify(redact(entry))}\n`, 'utf8');
      if (fd === undefined) open();
      if (size > 0 && size + line.byteLength > maxBytes) {
        if (maxFiles > 1) rotate();
        else {
          closeSync(fd!);
          rmSync(logFilePath(dir, name, 0), { force: true });
          fd = undefined;
        }
        open();
      }
      // A line longer than the cap is cut rather than blowing the cap.
      const bytes = line.byteLength > maxBytes ? Buffer.concat([line.subarray(0, maxBytes - 1), Buffer.from('\n')]) : line;
      writeSync(fd!, bytes);
      size += bytes.byteLength;
    },
    files: () => listLogFiles(dir, name),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Writes each entry to every sink (console + file); a failing sink does not stop the others. */
export function teeSink(...sinks: LogSink[]): LogSink {
  return {
    write(entry) {
      for (const sink of sinks) {
        try {
          sink.write(entry);
        } catch {
          // keep logging to the others
        }
      }
    },
  };
}
