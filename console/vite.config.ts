import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the simulator under /console; the build lands in dist/console/, which the
// package ships. The manifest tells the server a folder holds a build (server/http/console.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
});
