// Where the built app's parts sit, relative to app.getAppPath() (the project root, or app.asar when
// packaged). Pure, so packaging tests can check electron-builder.yml ships exactly these.
export const MAIN_FILE = 'dist/main/electron/main.js';
/** The single-file CJS preload made by main/electron/build/bundle-preload.ts (sandboxed preloads cannot require relative modules). */
export const PRELOAD_FILE = 'dist/preload/index.cjs';
/** The Genesys workspace view's preload, bundled the same way (issue 12). */
export const WORKSPACE_PRELOAD_FILE = 'dist/preload/workspace.cjs';
export const RENDERER_DIR = 'dist/renderer';
export const ICON_FILE = 'resources/icon.png';
