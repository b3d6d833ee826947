#!/usr/bin/env node
// The `ax-sim` command. The project ships TypeScript sources and runs them through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
