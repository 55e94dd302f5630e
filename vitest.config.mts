import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // The default (cores - 1) is one worker on a 2-core machine; most files wait on sockets, child
    // processes and Chromium rather than the CPU, so two overlap well (three made the CLI probe tests flaky here).
    maxWorkers: 2,
  },
});
