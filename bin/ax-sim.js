#!/usr/bin/env node
// The `ax-sim` command: the built CLI in dist/, run by plain Node (no TypeScript loader). In a checkout,
// `npm run build` makes dist/; `npm start` and the tests run the sources instead (scripts/ax-sim.js).
let cli;
try {
  cli = await import('../dist/server/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/server/cli.js')) {
    process.stderr.write(
      'ax-sim: dist/ is missing — run `npm run build` first (or `npm start` in a checkout).\n',
    );
    process.exit(1);
  }
  throw error;
}
process.exitCode = await cli.main(process.argv.slice(2));
