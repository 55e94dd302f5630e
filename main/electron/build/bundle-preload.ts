// Bundles preload/index.ts into ONE CommonJS file (dist/preload/index.cjs). Sandboxed preloads run as
// plain scripts whose `require` knows only 'electron' and a few built-ins — no relative modules, no ESM
// (Electron docs, "ES Modules": sandboxed preload scripts) — so tsc's per-file ESM output cannot be used.
// Build-time only: never packaged (tsconfig.electron.json excludes this folder).
// Run: ./node_modules/.bin/node main/electron/build/bundle-preload.ts [outDir]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');
export const PRELOAD_BUNDLE_NAME = 'index.cjs';

export interface BundlePreloadOptions {
  /** Where index.cjs goes; default dist/preload. */
  outDir?: string;
  root?: string;
}

/** Writes `<outDir>/index.cjs` and returns its path. */
export async function bundlePreload(options: BundlePreloadOptions = {}): Promise<string> {
  const root = options.root ?? PROJECT_ROOT;
  const outDir = resolve(root, options.outDir ?? 'dist/preload');
  await build({
    configFile: false, // not the renderer's vite config
    root,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: false, // tsc writes contract.js next to it for the main process
      copyPublicDir: false,
      minify: false,
      sourcemap: false,
      target: 'es2023',
      lib: { entry: resolve(root, 'preload/index.ts'), formats: ['cjs'], fileName: () => PRELOAD_BUNDLE_NAME },
      rolldownOptions: { external: ['electron'] },
    },
  });
  return resolve(outDir, PRELOAD_BUNDLE_NAME);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = await bundlePreload(process.argv[2] ? { outDir: resolve(process.argv[2]) } : {});
  console.log(`preload bundle: ${written}`);
}
