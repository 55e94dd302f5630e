// Cold start, part (issue 15 item 5): the renderer bundle's size, raw and gzip, from dist/renderer
// (built by `npm start` / `npm run build:renderer`; built here when missing). First paint of the
// browser shell is bench/renderer.ts. The goal counts what the sign-in list needs before it can
// paint: index.html, the scripts and styles it names (entry, modulepreloads, stylesheets) and
// whatever those scripts import statically. Lazy chunks (German, the profile editor, Settings, the
// Genesys workspace) are fetched when first used and reported apart.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Static imports of a built chunk (`import{…}from"./x.js"`, `import"./x.js"`); `import("…")` is lazy. */
function staticImports(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)) found.push(match[1]!);
  return found;
}

/** index.html and everything the browser fetches for it before the app can mount. */
function initialFiles(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const seen = new Set<string>([join(dist, 'index.html')]);
  const queue: string[] = [];
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\.\/([^"]+\.(?:js|css))"/g)) queue.push(join(dist, match[1]!));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.js')) for (const spec of staticImports(readFileSync(file, 'utf8'))) queue.push(join(dirname(file), spec));
  }
  return [...seen];
}

function sizes(list: string[]): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of list) {
    const bytes = readFileSync(f);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

export async function runBench() {
  // COLD_START_DIST=/tmp/build: measure another build (e.g. `vite build --outDir /tmp/before`).
  const dist = process.env.COLD_START_DIST ?? join(root, 'dist/renderer');
  if (!existsSync(join(dist, 'index.html')) || process.env.BENCH_BUILD === '1') {
    execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
  const shipped = files(dist).filter((f) => /\.(js|css|html)$/.test(f));
  const initial = initialFiles(dist);
  const lazy = shipped.filter((f) => !initial.includes(f));
  const all = sizes(shipped);
  const first = sizes(initial);
  return {
    bench: 'cold-start',
    /** What the first paint needs (html + entry + static imports + stylesheets): the figure against the goal. */
    initialFiles: initial.map((f) => relative(dist, f)),
    initialBundleKB: kb(first.raw),
    initialBundleGzipKB: kb(first.gzip),
    /** Chunks fetched on first use, gzip KB each. */
    lazyChunksGzipKB: Object.fromEntries(lazy.map((f) => [relative(dist, f), kb(sizes([f]).gzip)])),
    rendererFiles: shipped.length,
    rendererBundleKB: kb(all.raw),
    rendererBundleGzipKB: kb(all.gzip),
    goalGzipKB: 100,
  };
}

if (import.meta.main) console.log(JSON.stringify(await runBench()));
