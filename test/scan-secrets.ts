// The secret scan (issue 5, CARD-02): run last by `npm test` (test/run-all.ts). It reads what the
// tests and the app wrote — app data directories, settings, log files, diagnostics zips and the
// test artifacts under test-results/ (reports, Playwright traces: zips are opened) — and fails on
// any password, token, cookie value, CSRF token or SAML assertion found there.
//
// What it reads (printed at the end of every run):
//   - test-results/ (everything; test data directories live in test-results/data/ — tests should
//     create their PATCHBAY_DATA_DIR there, see test/integration/diagnostics/test-data.ts), and
//     PATCHBAY_TEST_DATA_ROOT when it points elsewhere;
//   - temporary app data directories changed since the run started (see TMP_PREFIX: data
//     directories of tests that still use os.tmpdir(), the embedded lab's profile files);
//   - the default user data directory (~/.config/Patchbay…) when the run changed it: a test that
//     forgot PATCHBAY_DATA_DIR shows up here.
// What it skips: images and videos (screenshots), node_modules/.git/.vitest-cache folders, files over
// 64 MiB; other temp directories (test PKIs, keyrings, project copies) are not app data. Lab profile files may carry their fake user's `fixturePassword` (DESIGN.md "Profiles"):
// that one member of a `"lab": true` profile is allowed.
//
//   node test/scan-secrets.ts [--since EPOCH_MS] [--root DIR ...] [--no-tmp]
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { defaultUsers } from '../lab/icws/fixture.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.ico', '.svg', '.webm', '.mp4', '.avi', '.woff', '.woff2', '.ttf', '.otf']);
// Temporary directories that are app data of a test run: the e2e's PATCHBAY_DATA_DIR (pb-e2e-data-),
// Electron's userData (patchbay-electron-), the embedded lab's profile files (patchbay-lab-), the
// probe test's profile files (pb-probe-), and pb-data- / patchbay-data- for any new test.
const TMP_PREFIX = /^(pb-e2e-data-|pb-data-|patchbay-data-|patchbay-electron-|patchbay-lab-|pb-probe-)/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.vitest-cache']);

export interface Finding {
  file: string;
  kind: string;
  /** The match with its middle masked: a scan report must not leak what it found. */
  excerpt: string;
}

export interface ScanReport {
  roots: string[];
  files: number;
  bytes: number;
  zipEntries: number;
  skipped: { images: number; tooLarge: number; excluded: number };
  findings: Finding[];
}

interface Pattern {
  kind: string;
  re: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOT_REDACTED = '(?!\\[redacted)';

export function secretPatterns(): Pattern[] {
  const labPasswords = defaultUsers().map((u) => u.password);
  return [
    { kind: 'lab password', re: new RegExp(labPasswords.map(escape).join('|'), 'g') },
    // Every lab's fixture passwords follow <user>-lab-pw / <user>-idp-pw (lab/*/fixture.ts).
    { kind: 'lab password', re: /\b[A-Za-z0-9._]+-(?:lab|idp)-pw\b/g },
    { kind: 'ICWS session cookie', re: /icws_\d+=(?!\[redacted)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi },
    { kind: 'ICWS session cookie value', re: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\|languageId=/gi },
    { kind: 'CSRF token', re: new RegExp(`(?:ININ-ICWS-CSRF-Token|X-CSRF-Token|csrfToken)["']?\\s*[:=]\\s*["']?${NOT_REDACTED}[A-Za-z0-9+/_=-]{16,}`, 'gi') },
    { kind: 'JWT', re: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
    { kind: 'SAML assertion', re: /<(?:saml2?:)?Assertion[\s>][\s\S]{0,200}?<(?:saml2?:)?Subject/g },
    { kind: 'SAML response (base64)', re: /PHNhbWxwOlJlc3BvbnNl|PHNhbWwyOkFzc2VydGlvbg|PHNhbWw6QXNzZXJ0aW9u|PHNhbWwycDpSZXNwb25zZ/g },
    { kind: 'SAML response', re: new RegExp(`SAMLResponse["']?\\s*[:=]\\s*["']?${NOT_REDACTED}[A-Za-z0-9+/%]{40,}`, 'g') },
    { kind: 'bearer token', re: new RegExp(`\\bBearer\\s+${NOT_REDACTED}[A-Za-z0-9._~+/-]{16,}=*`, 'g') },
    // Issue 8 item 8: every shape scrubString redacts, so a gap in the logger shows up here too.
    { kind: 'secret header line', re: new RegExp(`\\b(?:Set-Cookie2?|Cookie)\\s*:\\s*${NOT_REDACTED}[A-Za-z0-9_.!#$%&'*+^\`|~-]+=[^;\\s"'\\\\]{8,}`, 'gi') },
    { kind: 'secret header line', re: new RegExp(`\\b(?:ININ-STS-Token|X-XSRF-Token|ssid)["']?\\s*[:=]\\s*["']?${NOT_REDACTED}[A-Za-z0-9+/_=.!-]{16,}`, 'gi') },
    { kind: 'session cookie (JSESSIONID)', re: new RegExp(`JSESSIONID=${NOT_REDACTED}[A-Za-z0-9._-]{8,}`, 'gi') },
    {
      kind: 'secret parameter',
      re: new RegExp(`[?&#;\\s"'](?:refresh[-_]token|access_token|id_token|code_verifier|client_secret|csrfToken|secret|password|SAMLRequest|singleSignOnToken)=${NOT_REDACTED}[^&#\\s"'<>\\\\]{8,}`, 'gi'),
    },
    { kind: 'authorization code (loopback callback)', re: new RegExp(`//(?:127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\]):\\d+/[^\\s?"']*\\?(?:[^\\s"'#]*&)?code=${NOT_REDACTED}[A-Za-z0-9._~-]{8,}`, 'g') },
    { kind: 'SAML response', re: new RegExp(`name=["']SAML(?:Response|Request)["'][^>]*\\bvalue=["']${NOT_REDACTED}[A-Za-z0-9+/=]{20,}|value=["']${NOT_REDACTED}[A-Za-z0-9+/=]{20,}["'][^>]*name=["']SAML(?:Response|Request)["']`, 'g') },
    { kind: 'Digest credentials', re: new RegExp(`\\bDigest\\s+[^\\r\\n]*?\\bresponse="${NOT_REDACTED}[0-9a-f]{32,}"`, 'gi') },
    { kind: 'Token credentials', re: new RegExp(`\\bToken\\s+token="${NOT_REDACTED}[^"]{8,}"`, 'g') },
    { kind: 'basic credentials', re: new RegExp(`\\bBasic\\s+${NOT_REDACTED}[A-Za-z0-9+/]{12,}={0,2}`, 'g') },
    { kind: 'JWE', re: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
    { kind: 'JWE tail', re: /\[redacted-jwt\]\.[A-Za-z0-9_-]{16,}/g },
    {
      kind: 'secret raw header',
      re: new RegExp(`"(?:set-cookie|cookie|inin-icws-csrf-token|x-csrf-token|inin-sts-token|authorization)"\\s*,\\s*"${NOT_REDACTED}(?![a-z]+(?:-[a-z]+)*")[^"]{8,}"`, 'gi'),
    },
    {
      kind: 'secret JSON member',
      re: new RegExp(`"(?:password|refresh_?token|access_?token|id_?token|singleSignOnToken|authToken|client_?secret|code_?verifier)"\\s*:\\s*"${NOT_REDACTED}[^"\\\\]{4,}"`, 'gi'),
    },
  ];
}

function mask(text: string): string {
  if (text.length <= 8) return `${text.slice(0, 2)}…(${text.length})`;
  return `${text.slice(0, 6)}…${text.slice(-2)} (${text.length} chars)`;
}

// A lab profile file may carry its fake user's password (DESIGN.md "Profiles"); nothing else.
function withoutLabFixturePassword(text: string): string {
  if (!text.includes('fixturePassword')) return text;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (parsed && parsed.lab === true && typeof parsed.fixturePassword === 'string') {
      delete parsed.fixturePassword;
      return JSON.stringify(parsed);
    }
  } catch {
    // not a JSON profile: scan as is
  }
  return text;
}

export function scanText(text: string, file: string, patterns: Pattern[] = secretPatterns()): Finding[] {
  const findings: Finding[] = [];
  const scanned = withoutLabFixturePassword(text);
  const seen = new Set<number>(); // two patterns on the same spot are one finding
  for (const { kind, re } of patterns) {
    re.lastIndex = 0;
    for (const match of scanned.matchAll(re)) {
      if (seen.has(match.index)) continue;
      seen.add(match.index);
      findings.push({ file, kind, excerpt: mask(match[0]) });
      if (findings.length > 50) return findings;
    }
  }
  return findings;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function scanBytes(bytes: Uint8Array, file: string, report: ScanReport, patterns: Pattern[], depth = 0): void {
  if (isZip(bytes) && depth < 2) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(bytes);
    } catch {
      report.findings.push(...scanText(Buffer.from(bytes).toString('latin1'), file, patterns));
      return;
    }
    for (const [name, content] of Object.entries(entries)) {
      if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) {
        report.skipped.images += 1;
        continue;
      }
      report.zipEntries += 1;
      scanBytes(content, `${file}!${name}`, report, patterns, depth + 1);
    }
    return;
  }
  // latin1 keeps every byte, so ASCII secrets inside binary files (databases, caches) still match.
  const text = Buffer.from(bytes).toString(looksUtf8(bytes) ? 'utf8' : 'latin1');
  report.findings.push(...scanText(text, file, patterns));
}

function looksUtf8(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  return !head.includes(0);
}

function walk(path: string, report: ScanReport, patterns: Pattern[], label: (p: string) => string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (stats.isDirectory()) {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) {
      if (SKIPPED_DIRS.has(name)) {
        report.skipped.excluded += 1;
        continue;
      }
      walk(join(path, name), report, patterns, label);
    }
    return;
  }
  if (!stats.isFile()) return;
  if (IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) {
    report.skipped.images += 1;
    return;
  }
  if (stats.size > MAX_FILE_BYTES) {
    report.skipped.tooLarge += 1;
    return;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return;
  }
  report.files += 1;
  report.bytes += bytes.byteLength;
  scanBytes(bytes, label(path), report, patterns);
}

export interface ScanOptions {
  roots: string[];
  /** Also scan tmpdir entries named pb-* / patchbay-* changed at or after this time (ms). */
  tmpSince?: number;
  tmpDir?: string;
}

export function scan(options: ScanOptions): ScanReport {
  const patterns = secretPatterns();
  const report: ScanReport = { roots: [], files: 0, bytes: 0, zipEntries: 0, skipped: { images: 0, tooLarge: 0, excluded: 0 }, findings: [] };
  const label = (p: string) => (p.startsWith(ROOT) ? relative(ROOT, p) : p);
  for (const root of options.roots) {
    try {
      statSync(root);
    } catch {
      continue;
    }
    report.roots.push(root);
    walk(root, report, patterns, label);
  }
  if (options.tmpSince !== undefined) {
    const dir = options.tmpDir ?? tmpdir();
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    let included = 0;
    for (const name of names) {
      if (!TMP_PREFIX.test(name)) continue;
      const path = join(dir, name);
      try {
        if (statSync(path).mtimeMs < options.tmpSince) continue;
      } catch {
        continue;
      }
      included += 1;
      walk(path, report, patterns, label);
    }
    report.roots.push(`${dir}/${TMP_PREFIX.source.replace(/^\^/, '')}* changed since ${new Date(options.tmpSince).toISOString()} (${included} entries)`);
  }
  return report;
}

/** Where `patchbay start` keeps its data by default (main/cli/start.ts userDataDir without the env override). */
function defaultUserDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Patchbay');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Patchbay');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Patchbay');
}

function runStart(): number {
  const reports = join(ROOT, 'test-results');
  try {
    const stats = statSync(reports);
    // run-all.ts recreates test-results/ as its first step: its birth time is the run's start.
    return stats.birthtimeMs > 0 ? stats.birthtimeMs : stats.mtimeMs;
  } catch {
    return Date.now();
  }
}

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { since: { type: 'string' }, root: { type: 'string', multiple: true }, 'no-tmp': { type: 'boolean' } }, strict: true });
  const since = values.since === undefined ? runStart() : Number(values.since);
  const roots = values.root?.map((r) => resolve(r)) ?? [join(ROOT, 'test-results')];
  const dataRoot = process.env.PATCHBAY_TEST_DATA_ROOT;
  if (!values.root && dataRoot && !resolve(dataRoot).startsWith(join(ROOT, 'test-results'))) roots.push(resolve(dataRoot));
  if (!values.root) {
    const appData = defaultUserDataDir();
    try {
      if (statSync(appData).mtimeMs >= since) roots.push(appData);
    } catch {
      // never created: nothing to scan
    }
  }
  const report = scan({ roots, ...(values['no-tmp'] ? {} : { tmpSince: since }) });
  const out = process.stdout;
  out.write('Secret scan covered:\n');
  for (const root of report.roots) out.write(`  - ${root}\n`);
  out.write(
    `  ${report.files} files (${(report.bytes / 1024 / 1024).toFixed(1)} MiB), ${report.zipEntries} zip entries; skipped ${report.skipped.images} images, ${report.skipped.tooLarge} files over 64 MiB, ${report.skipped.excluded} node_modules/.git folders\n`,
  );
  out.write(`  looked for: ${[...new Set(secretPatterns().map((p) => p.kind))].join(', ')}\n`);
  if (report.findings.length === 0) {
    out.write('Secret scan: nothing found.\n');
    return 0;
  }
  out.write(`Secret scan: ${report.findings.length} finding(s):\n`);
  for (const f of report.findings.slice(0, 100)) out.write(`  ${f.file}: ${f.kind} ${f.excerpt}\n`);
  return 1;
}

if (import.meta.main) process.exit(main(process.argv.slice(2)));
