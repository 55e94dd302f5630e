// Renderer build (DESIGN.md "Shells"): served by the browser shell over http://127.0.0.1:<port>/
// and by Electron from app://, hence relative asset paths and no external resources.
import { fileURLToPath } from 'node:url';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The renderer's own CSP as a <meta>, added to the built page only (the dev server injects inline
 * styles for HMR). The shells also send it as a header; this keeps a bare dist/renderer safe too.
 * GC-08: only the origins Patchbay needs — itself, and its loopback bridge socket.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  // The browser shell's Genesys workspace host page (issue 12); the served header names its exact origin.
  "frame-src http://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'patchbay-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: here('./renderer'),
  base: './',
  publicDir: here('./renderer/public'),
  plugins: [
    vue(),
    // issue 15 item 5: the messages are compiled to vue-i18n's AST here, so the renderer ships the
    // runtime-only vue-i18n (aliased by the plugin) — no message compiler (~17 KB), and no eval
    // either way (CSP script-src 'self'). Only the two language files are resources.
    VueI18nPlugin({
      include: [here('./renderer/i18n/en.ts'), here('./renderer/i18n/de.ts')],
      runtimeOnly: true,
      dropMessageCompiler: true, // core-base would still pull it in for string messages; ours are all precompiled
      compositionOnly: true, // __VUE_I18N_LEGACY_API__ false
      fullInstall: false, // no <i18n-t>/v-t globals: the renderer calls t() only
      strictMessage: true, // a message with HTML fails the build
      escapeHtml: false,
    }),
    cspMeta(),
  ],
  // No devtools hooks in the built app (Vue's and vue-i18n's); no Options API (every component is <script setup>).
  define: { __INTLIFY_PROD_DEVTOOLS__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_OPTIONS_API__: 'false' },
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    // The polyfill would be the only code not needed by Chromium 140 (Electron 45) or Debian's.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0, // no data: URLs (img-src 'self')
  },
  server: { host: '127.0.0.1', strictPort: false },
});
