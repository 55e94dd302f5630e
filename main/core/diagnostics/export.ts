// "Export diagnostics" (issue 5): one zip an agent can send to IT — versions, OS, redacted settings
// and policy, the network set-up, the last session-state transitions, recent request traces and
// the (already redacted) log files. Everything passes through log.ts's redaction again on the way
// in, so no password, token, cookie value, CSRF token or SAML assertion can end up in it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, platform, release, type as osType } from 'node:os';
import { dirname } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { SessionState } from '../../../preload/contract.ts';
import { redact, scrubString } from '../log.ts';
import type { NetworkDescription } from '../net/proxy.ts';
import type { TraceEntry } from '../net/types.ts';
import type { EffectiveSettings } from '../settings/effective.ts';
import type { PolicyLoad } from '../settings/policy.ts';
import type { Settings } from '../settings/schema.ts';

/** One change of a session's phase, agent state, error or reconnect attempt (no secrets: the
 *  SessionState contract has none). */
export interface SessionTransition {
  at: string;
  profileId: string;
  platform: string;
  phase: string;
  server?: string;
  agentState?: string;
  errorCode?: string;
  reconnectAttempt?: number;
}

export interface ProfileTraces {
  profileId: string;
  entries: readonly TraceEntry[];
}

export interface DiagnosticsSources {
  appVersion: string;
  shell: string;
  createdAt: string;
  settings?: Settings;
  settingsPath?: string;
  policy?: PolicyLoad;
  effective?: EffectiveSettings;
  network?: NetworkDescription;
  secretsBackend?: 'keychain' | 'memory';
  sessions?: SessionState[];
  transitions?: SessionTransition[];
  traces?: ProfileTraces[];
  /** Log files, newest first; the newest MAX_LOG_BYTES in total are included. */
  logFiles?: string[];
  /** Anything the exporter could not read, for the README. */
  notes?: string[];
}

export const MAX_LOG_BYTES = 4 * 1024 * 1024;

const README = `Patchbay diagnostics
====================
Made by "Export diagnostics" (or \`patchbay diagnostics --out FILE\`) for your IT department.
Every file was redacted: passwords, tokens, cookie values, CSRF tokens and SAML assertions are
replaced by [redacted] and never included.

about.json        app version, shell, runtime versions, operating system
settings.json     your settings (profiles: servers, sign-in method, user name; no password)
policy.json       the machine's IT policy as applied, and the keys it rejected (with reasons)
effective.json    what applies (settings + policy), the proxy and certificate trust in use
sessions.json     each profile's current session state
transitions.json  the last session-state changes (phase, agent state, error code)
traces.json       recent HTTP requests: method, URL (secret query values redacted), status, time
logs/             the newest log files
`;

function json(value: unknown): Uint8Array {
  return strToU8(`${JSON.stringify(redact(value), null, 2)}\n`);
}

/** The zip's bytes. */
export async function buildDiagnosticsZip(sources: DiagnosticsSources): Promise<{ zip: Uint8Array; files: string[] }> {
  const notes = [...(sources.notes ?? [])];
  const files: Zippable = {
    'about.json': json({
      app: 'Patchbay',
      version: sources.appVersion,
      shell: sources.shell,
      createdAt: sources.createdAt,
      versions: { node: process.versions.node, v8: process.versions.v8, openssl: process.versions.openssl, electron: process.versions.electron, chrome: process.versions.chrome },
      os: { platform: platform(), type: osType(), release: release(), arch: arch() },
      secretsBackend: sources.secretsBackend,
    }),
    'settings.json': json({ path: sources.settingsPath, settings: sources.settings ?? null }),
    'policy.json': json(sources.policy ? { path: sources.policy.path, found: sources.policy.found, applied: sources.policy.policy, rejected: sources.policy.rejected } : null),
    'effective.json': json({ settings: sources.effective ?? null, network: sources.network ?? null }),
    'sessions.json': json(sources.sessions ?? []),
    'transitions.json': json(sources.transitions ?? []),
    'traces.json': json(sources.traces ?? []),
  };
  let budget = MAX_LOG_BYTES;
  for (const path of sources.logFiles ?? []) {
    if (budget <= 0) break;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      notes.push(`could not read the log file ${path}`);
      continue;
    }
    const scrubbed = scrubLogText(text);
    const slice = scrubbed.length > budget ? scrubbed.slice(scrubbed.length - budget) : scrubbed;
    budget -= slice.length;
    files[`logs/${path.split(/[\\/]/).at(-1)}`] = strToU8(slice);
  }
  files['README.txt'] = strToU8(README + (notes.length > 0 ? `\nNotes:\n${notes.map((n) => `- ${scrubString(n)}`).join('\n')}\n` : ''));
  const zip = zipSync(files, { level: 6, mtime: new Date(sources.createdAt) });
  return { zip, files: Object.keys(files) };
}

/** Log text, each JSON line redacted again (a line that is not JSON is scrubbed as text). */
export function scrubLogText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      try {
        return JSON.stringify(redact(JSON.parse(line)));
      } catch {
        return scrubString(line);
      }
    })
    .join('\n');
}

/** Log entries of the given events from log files (oldest first) — the CLI's source of session
 *  transitions and traces when no app is running. */
export async function readLogEvents(files: string[], events: readonly string[], limit: number): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const path of [...files].reverse()) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.includes('"event"')) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (typeof entry.event === 'string' && events.includes(entry.event)) out.push(entry);
      } catch {
        // a torn line at a rotation boundary
      }
    }
  }
  return out.slice(-limit);
}

export function diagnosticsFileName(now: number): string {
  return `patchbay-diagnostics-${new Date(now).toISOString().replace(/[:.]/g, '-')}.zip`;
}

export async function writeDiagnosticsZip(outPath: string, sources: DiagnosticsSources): Promise<{ path: string; files: string[] }> {
  const { zip, files } = await buildDiagnosticsZip(sources);
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, zip, { mode: 0o600 });
  return { path: outPath, files };
}
