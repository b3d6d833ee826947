import { defineConfig } from 'vitest/config';
import { contractProject } from './contract-tests/vitest.config.ts';

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
          testTimeout: 20_000,
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
