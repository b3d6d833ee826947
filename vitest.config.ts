import { configDefaults, defineConfig } from 'vitest/config';
import { contractProject } from './contract-tests/vitest.config.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'openapi/**/*.test.ts',
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
      // The contract suite: see contract-tests/vitest.config.ts.
      contractProject,
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
