// Electronegativity over the Electron sources (issue 8 item 14): the tool runs offline on the .ts
// sources of main/electron and preload (with -x AvailableSecurityFixesGlobalCheck, which needs the
// network, and -e the installed Electron version), always exits 0 and writes SARIF, so the gate is
// here: every finding must be in the reviewed allow-list (test/electronegativity-allowlist.json, each
// entry with the reason it is a false positive). A planted insecure window in the same scan proves the
// gate fails on a finding nobody reviewed.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCANNED = ['main/electron', 'preload'];
const PLANTED = 'planted/insecure-window.ts';

const sarifSchema = z.object({
  runs: z.array(
    z.object({
      results: z.array(
        z.object({
          ruleId: z.string(),
          message: z.object({ text: z.string() }),
          locations: z.array(z.object({ physicalLocation: z.object({ artifactLocation: z.object({ uri: z.string() }), region: z.object({ startLine: z.number() }).optional() }) })).min(1),
        }),
      ),
    }),
  ),
});
const allowListSchema = z.object({
  allowed: z.array(z.object({ check: z.string(), file: z.string().nullable(), code: z.string().nullable(), reason: z.string().min(40) })),
});

interface Finding {
  check: string;
  /** Repo-relative, or null for a global check. */
  file: string | null;
  line: number;
  /** The trimmed source line the finding points at (null for a global check). */
  code: string | null;
  message: string;
}
type AllowEntry = z.infer<typeof allowListSchema>['allowed'][number];

/** Findings that no allow-list entry covers. */
function unreviewed(findings: readonly Finding[], allowed: readonly AllowEntry[]): Finding[] {
  return findings.filter((f) => !allowed.some((a) => a.check === f.check && a.file === f.file && a.code === f.code));
}

function describeFinding(f: Finding): string {
  return `${f.check} at ${f.file ?? '(global)'}:${f.line} \`${f.code ?? ''}\` — ${f.message}`;
}

let findings: Finding[];
const allowed = allowListSchema.parse(JSON.parse(readFileSync(join(ROOT, 'test/electronegativity-allowlist.json'), 'utf8'))).allowed;

beforeAll(async () => {
  // One scan of a copy (main/electron, preload and the planted file), so repo-relative paths come out.
  const work = mkdtempSync(join(tmpdir(), 'patchbay-electronegativity-'));
  const input = join(work, 'src');
  for (const dir of SCANNED) cpSync(join(ROOT, dir), join(input, dir), { recursive: true });
  mkdirSync(join(input, 'planted'));
  writeFileSync(
    join(input, PLANTED),
    "import { BrowserWindow } from 'electron';\nexport const bad = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
  );
  const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  const sarifPath = join(work, 'findings.sarif');
  await promisify(execFile)(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(ROOT, 'test/electronegativity-offline.mjs')).href,
      join(ROOT, 'node_modules/@doyensec/electronegativity/dist/index.js'),
      '-i',
      input,
      '-x',
      'AvailableSecurityFixesGlobalCheck',
      '-e',
      electronVersion,
      '-r',
      '-o',
      sarifPath,
    ],
    { cwd: work, maxBuffer: 16 * 1024 * 1024 },
  );
  const sarif = sarifSchema.parse(JSON.parse(readFileSync(sarifPath, 'utf8')));
  findings = sarif.runs.flatMap((run) =>
    run.results.map((result) => {
      const location = result.locations[0]!.physicalLocation;
      const uri = location.artifactLocation.uri;
      const global = uri.startsWith('file:');
      const line = location.region?.startLine ?? 0;
      const code = global ? null : (readFileSync(join(input, uri), 'utf8').split('\n')[line - 1] ?? '').trim();
      return { check: result.ruleId, file: global ? null : uri, line, code, message: result.message.text };
    }),
  );
}, 60_000);

describe('Electronegativity over main/electron and preload (issue 8 item 14)', () => {
  it('finds nothing outside the reviewed allow-list', () => {
    const real = findings.filter((f) => f.file !== PLANTED);
    expect(unreviewed(real, allowed).map(describeFinding)).toEqual([]);
  });

  it('fails on a finding nobody reviewed (the planted insecure window)', () => {
    const planted = unreviewed(findings, allowed).filter((f) => f.file === PLANTED);
    expect(planted.map((f) => f.check)).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']));
  });

  it('keeps the allow-list honest: every entry still matches a finding and names a scanned file', () => {
    const stale = allowed.filter((a) => !findings.some((f) => a.check === f.check && a.file === f.file && a.code === f.code));
    expect(stale.map((a) => `${a.check} ${a.file ?? '(global)'}`)).toEqual([]);
    for (const entry of allowed) if (entry.file !== null) expect(SCANNED.some((dir) => entry.file?.startsWith(`${dir}/`))).toBe(true);
  });
});
