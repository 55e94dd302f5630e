// Cold start, part (issue 15 item 5): the renderer bundle's size, raw and gzip, from dist/renderer
// (built by `npm start` / `npm run build:renderer`; built here when missing). First paint of the
// browser shell is bench/renderer.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export async function runBench() {
  const dist = join(root, 'dist/renderer');
  if (!existsSync(join(dist, 'index.html')) || process.env.BENCH_BUILD === '1') {
    execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
  // What the sign-in form needs: the HTML, scripts and styles (not favicons or lazy fonts).
  const shipped = files(dist).filter((f) => /\.(js|css|html)$/.test(f));
  let raw = 0;
  let gzip = 0;
  for (const f of shipped) {
    const bytes = readFileSync(f);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return {
    bench: 'cold-start',
    rendererFiles: shipped.length,
    rendererBundleKB: Math.round(raw / 102.4) / 10,
    rendererBundleGzipKB: Math.round(gzip / 102.4) / 10,
    goalGzipKB: 100,
  };
}

if (import.meta.main) console.log(JSON.stringify(await runBench()));
