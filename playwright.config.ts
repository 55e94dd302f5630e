// e2e: Playwright drives the browser shell in Debian's Chromium (never `npx playwright install`).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
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
