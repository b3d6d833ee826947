import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The contract suite's vitest project, in one place: the repository's vitest.config.ts lists it among
 * its projects, and `ax-sim contract` runs this file as the config of its child vitest — from the
 * TypeScript sources in a checkout, from the built JavaScript in dist/contract-tests/ once installed.
 *
 * Against an in-process simulator, or the server named by AX_BASE_URL / AX_API_KEY / AX_CHANNEL_CODE
 * (the target is resolved once by the global setup). Files run one at a time (they share the target's
 * stock) in one worker without isolation, so the parsed spec and the compiled response validators are
 * built once per run.
 */
const here = dirname(fileURLToPath(import.meta.url));
// `.ts` next to the sources, `.js` next to the build.
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

export const contractProject: TestProjectInlineConfiguration = {
  test: {
    name: 'contract',
    dir: here,
    include: [`*.test.${ext}`],
    // An installed package lives under node_modules, which vitest leaves out by default.
    exclude: [],
    globalSetup: [join(here, 'support', `global-setup.${ext}`)],
    fileParallelism: false,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
};

// `ax-sim contract` keeps vite's cache in its own temporary folder: an installed package may be read-only.
export default defineConfig({ ...contractProject, cacheDir: process.env.AX_CONTRACT_CACHE_DIR });
