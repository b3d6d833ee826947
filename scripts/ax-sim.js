#!/usr/bin/env node
// `ax-sim` from the TypeScript sources, through tsx's loader: what `npm start` and the tests run in a
// checkout, so an edit shows at once and nothing runs a stale build. The published command is
// bin/ax-sim.js, which runs the built code in dist/ with plain Node.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
