import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Not NODE_COMPILE_CACHE: it cut the CLI tests' CPU by a third, but with it the worker running
// test/unit/core/platforms/gws/notifications.test.ts dies of SIGSEGV (reproducible, Node 24.21).

export default defineConfig({
  plugins: [vue()],
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // The default (cores - 1) is one worker on a 2-core machine; most files wait on sockets, child
    // processes and Chromium rather than the CPU, so two overlap well (three made the CLI probe tests flaky here).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Unit tests share a worker's modules (isolate: false): each file in its own process cost
        // ~0.35 s of start-up and re-evaluated the same modules 240 times (CI time, issue 9 runs).
        // Shared processes: globals and environment variables a test stubs are put back after it.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, unstubGlobals: true, unstubEnvs: true },
      },
      {
        extends: true,
        // Integration tests start servers, child processes and Chromium: one process per file, and
        // hang bounds of 40 s (Chromium sign-ins passed 20 s at load 20; a bound is for hangs, not speed).
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 40_000, hookTimeout: 40_000 },
      },
    ],
  },
});
