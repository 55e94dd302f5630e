// e2e: Playwright drives the browser shell in Debian's Chromium (never `npx playwright install`).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  // Two specs at once (CI time: 30 tests took 366 s one after another at ~0.9 of a core). Each spec
  // starts its own app, lab and data directory, and keeps its keychain entries under a service of its
  // own (helpers/app.ts keychainServiceFor), so they share nothing. Sharing 2 cores makes each step
  // slower: the bounds below are for hangs, not for speed (a run at load 18 needed them).
  workers: 2,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  retries: 0,
  use: {
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    // No traces: they record what the test typed (lab passwords), which the secret scan rightly flags.
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
