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
/** The Genesys workspace view's preload (issue 12), bundled the same way. */
export const WORKSPACE_PRELOAD_BUNDLE_NAME = 'workspace.cjs';

export interface BundlePreloadOptions {
  /** Where index.cjs goes; default dist/preload. */
  outDir?: string;
  root?: string;
  /** Entry, relative to root; default preload/index.ts. */
  entry?: string;
  /** Output file name; default index.cjs. */
  fileName?: string;
}

/** Writes `<outDir>/<fileName>` (default index.cjs) and returns its path. */
export async function bundlePreload(options: BundlePreloadOptions = {}): Promise<string> {
  const root = options.root ?? PROJECT_ROOT;
  const outDir = resolve(root, options.outDir ?? 'dist/preload');
  const fileName = options.fileName ?? PRELOAD_BUNDLE_NAME;
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
      lib: { entry: resolve(root, options.entry ?? 'preload/index.ts'), formats: ['cjs'], fileName: () => fileName },
      rolldownOptions: { external: ['electron'] },
    },
  });
  return resolve(outDir, fileName);
}

/** Writes `<outDir>/workspace.cjs` from main/electron/workspace-preload.ts and returns its path. */
export async function bundleWorkspacePreload(options: Omit<BundlePreloadOptions, 'entry' | 'fileName'> = {}): Promise<string> {
  return bundlePreload({ ...options, entry: 'main/electron/workspace-preload.ts', fileName: WORKSPACE_PRELOAD_BUNDLE_NAME });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = process.argv[2] ? { outDir: resolve(process.argv[2]) } : {};
  for (const written of [await bundlePreload(options), await bundleWorkspacePreload(options)]) console.log(`preload bundle: ${written}`);
}
