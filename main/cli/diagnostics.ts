// `patchbay diagnostics --out FILE`: the same zip as the app's "Export diagnostics", made from the
// files on disk (settings, IT policy, log files) — for an agent whose app will not start, or for IT
// over a remote shell. Session transitions and request traces come from the log files (the running
// app writes `session.transition` lines; `net.hop` traces at log level debug). Writes nothing else.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readLogEvents, writeDiagnosticsZip, type ProfileTraces, type SessionTransition } from '../core/diagnostics/export.ts';
import { PatchbayError } from '../core/errors.ts';
import { listLogFiles } from '../core/log-file.ts';
import { createDispatcher } from '../core/net/proxy.ts';
import type { TraceEntry } from '../core/net/types.ts';
import { effectiveSettings } from '../core/settings/effective.ts';
import { loadPolicy } from '../core/settings/policy.ts';
import { defaultSettings, parseSettings } from '../core/settings/schema.ts';
import { EXIT, parseCommand, usageError } from './args.ts';
import { commandHelp } from './help.ts';
import { userDataDir } from './start.ts';

export async function diagnostics(argv: string[], repoRoot: string): Promise<number> {
  const parsed = parseCommand(argv, { out: { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' } });
  if (parsed.help) {
    process.stdout.write(commandHelp('diagnostics'));
    return EXIT.ok;
  }
  const { values } = parsed;
  if (!values.out) throw usageError('--out FILE is required (see patchbay diagnostics --help).');
  const out = resolve(values.out);
  // Issue 14 item 5: never overwrite a file by accident (it may be an earlier zip IT still needs).
  if (existsSync(out) && !values.force) {
    throw usageError(`${out} exists: choose another --out, or add --force to overwrite it.`);
  }
  const dataDir = resolve(values['data-dir'] ?? userDataDir());
  // A wrong --data-dir would give a near-empty zip that looks like "nothing happened": say so instead.
  if (!isDirectory(dataDir)) {
    throw new PatchbayError('cli.data-dir-missing', `There is no Patchbay data directory at ${dataDir}${values['data-dir'] ? '' : ' (give --data-dir DIR)'}.`, { action: 'none' });
  }
  const notes: string[] = [];

  const settingsPath = join(dataDir, 'settings.json');
  let settings = defaultSettings();
  if (existsSync(settingsPath)) {
    try {
      const parsed = parseSettings(JSON.parse(readFileSync(settingsPath, 'utf8')));
      settings = parsed.settings;
      for (const problem of parsed.problems) notes.push(`settings: ${problem}`);
    } catch {
      notes.push('settings.json is not valid JSON (the app sets such a file aside at its next start)');
    }
  } else {
    notes.push(`no settings file at ${settingsPath}`);
  }
  const policy = loadPolicy();
  const effective = effectiveSettings(settings, policy.policy);
  const network = createDispatcher({
    ...(effective.network.caBundle ? { caBundlePath: effective.network.caBundle } : {}),
    ...(effective.network.proxy ? { proxy: effective.network.proxy } : {}),
  });
  await network.close();
  notes.push(...network.warnings);

  const logFiles = listLogFiles(join(dataDir, 'logs'));
  if (logFiles.length === 0) notes.push('no log files found');
  const transitions = (await readLogEvents(logFiles, ['session.transition'], 200)).map(toTransition);
  const hops = await readLogEvents(logFiles, ['net.hop'], 400);
  const traces: ProfileTraces[] = [];
  for (const hop of hops) {
    const profileId = typeof hop.profileId === 'string' ? hop.profileId : '(unknown)';
    let bucket = traces.find((t) => t.profileId === profileId);
    if (!bucket) traces.push((bucket = { profileId, entries: [] }));
    (bucket.entries as TraceEntry[]).push(toTrace(hop));
  }

  const { path, files } = await writeDiagnosticsZip(out, {
    appVersion: version(repoRoot),
    shell: 'cli',
    createdAt: new Date().toISOString(),
    settings,
    settingsPath,
    policy,
    effective,
    network: network.description,
    transitions,
    traces,
    logFiles,
    notes,
  });
  process.stdout.write(`Diagnostics written to ${path} (${files.length} files: ${files.join(', ')}).\n`);
  return 0;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function toTransition(entry: Record<string, unknown>): SessionTransition {
  const str = (key: string) => (typeof entry[key] === 'string' ? (entry[key] as string) : undefined);
  return {
    at: str('at') ?? '',
    profileId: str('profileId') ?? '',
    platform: str('platform') ?? '',
    phase: str('phase') ?? '',
    ...(str('server') ? { server: str('server')! } : {}),
    ...(str('agentState') ? { agentState: str('agentState')! } : {}),
    ...(str('errorCode') ? { errorCode: str('errorCode')! } : {}),
    ...(typeof entry.reconnectAttempt === 'number' ? { reconnectAttempt: entry.reconnectAttempt } : {}),
  };
}

function toTrace(entry: Record<string, unknown>): TraceEntry {
  return {
    at: typeof entry.at === 'string' ? entry.at : '',
    method: typeof entry.method === 'string' ? entry.method : '',
    url: typeof entry.url === 'string' ? entry.url : '',
    ...(typeof entry.status === 'number' ? { status: entry.status } : {}),
    ms: typeof entry.ms === 'number' ? entry.ms : 0,
    sentHeaders: Array.isArray(entry.sentHeaders) ? entry.sentHeaders.filter((h): h is string => typeof h === 'string') : [],
    ...(typeof entry.errorCode === 'string' ? { error: entry.errorCode } : {}),
  };
}

function version(repoRoot: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
