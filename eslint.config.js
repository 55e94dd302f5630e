// Lint: typescript-eslint + eslint-plugin-vue, and the layer table of DESIGN.md enforced with
// no-restricted-imports per folder (test/unit/lint/layers.test.ts proves each rule fires).
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export const layerRules = {
  // main/core: all behaviour, never Electron, Vue, the shells, the renderer or the lab.
  core: restrict([
    { group: ['electron', 'electron/*', 'electron-store'], message: 'main/core is plain Node: Electron glue lives in main/electron (DESIGN.md layers).' },
    { group: ['vue', 'pinia'], message: 'main/core never imports the UI framework.' },
    { group: ['**/main/electron/**', '**/electron/*', '../electron/**', '**/browser-shell/**', '**/renderer/**', '**/lab/**', '**/cli/**'], message: 'main/core must not import shells, renderer, CLI or lab (DESIGN.md layers).' },
  ]),
  electron: restrict([{ group: ['**/renderer/**', '**/lab/**', '**/browser-shell/**'], message: 'main/electron must not import the renderer, the browser shell or the lab.' }]),
  browserShell: restrict([
    { group: ['electron', 'electron/*', 'electron-store'], message: 'The browser shell runs without Electron.' },
    { group: ['**/renderer/**', '**/lab/**', '**/main/electron/**', '../electron/**'], message: 'The browser shell must not import renderer sources, Electron glue or the lab.' },
  ]),
  preload: restrict([{ group: ['**/main/**', '**/renderer/**', '**/lab/**'], message: 'preload holds the contract only: no core, renderer or lab.' }]),
  renderer: restrict([
    { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'http', 'https', 'net'], message: 'The renderer never touches Node.' },
    { group: ['electron', 'electron/*'], message: 'The renderer reaches main only through api/bridge.ts.' },
    { group: ['**/main/**', '**/lab/**', '**/preload/index*'], message: 'The renderer imports only the contract (preload/contract.ts and its zod-free parts: preload/contract/*.ts, preload/display-state.ts), never main, lab or the preload script.' },
  ]),
  lab: restrict([{ group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'The lab is written independently from the client: it imports nothing from main, preload or renderer.' }]),
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tsbuild/**', 'release/**', 'test-results/**', 'artifacts/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  { files: ['main/core/**/*.ts'], rules: layerRules.core },
  { files: ['main/electron/**/*.ts'], rules: layerRules.electron },
  { files: ['main/browser-shell/**/*.ts'], rules: layerRules.browserShell },
  { files: ['preload/**/*.ts'], rules: layerRules.preload },
  { files: ['renderer/**/*.ts', 'renderer/**/*.vue'], rules: layerRules.renderer },
  { files: ['lab/**/*.ts'], rules: layerRules.lab },
);
