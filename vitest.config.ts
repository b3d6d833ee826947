import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'server/**/*.test.ts',
            'client/**/*.test.ts',
            'fixtures/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, 'test/slow/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          // Slow: a state past V8's longest string (a snapshot over 600 MB), restarted and exported. One
          // file at a time: it needs a few GiB of memory and a few minutes.
          name: 'slow',
          include: ['test/slow/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The contract suite: against an in-process simulator, or the server named by AX_BASE_URL /
          // AX_API_KEY / AX_CHANNEL_CODE (the target is resolved once by the global setup). Files run one
          // at a time (they share the target's stock) in one worker without isolation, so the parsed spec
          // and the compiled response validators are built once per run.
          name: 'contract',
          include: ['contract-tests/*.test.ts'],
          globalSetup: ['contract-tests/support/global-setup.ts'],
          fileParallelism: false,
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // Teeth: the contract suite run against deliberately broken servers must fail (and pass against
          // the unbroken one). Spawns the contract suite several times; see contract-tests/teeth/.
          name: 'teeth',
          include: ['contract-tests/teeth/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
