// Playwright config for the Electron smoke tests (test/electron). They need the Electron binary and
// skip with a message where it is missing (ELECTRON_SKIP_BINARY_DOWNLOAD installs, CI without it).
// Run: npx playwright test -c playwright.electron.config.ts
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.test.ts',
  outputDir: 'test-results/electron',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
});
