/**
 * A simulator in its own process, like `ax-sim serve`, with the store options the CLI does not expose
 * (for crash tests that need journal rotation mid-burst). Run with `node --import tsx`:
 *   AX_SIM_DATA=<dir> AX_SIM_COMPACT_BYTES=<n> node --import tsx test/support/serve-process.ts
 * Prints `listening on <url>` once ready, on 127.0.0.1 and a free port.
 */
import { buildSimulator } from '../../server/app.ts';

const app = await buildSimulator({
  data: process.env.AX_SIM_DATA ?? ':memory:',
  compactBytes: process.env.AX_SIM_COMPACT_BYTES ? Number(process.env.AX_SIM_COMPACT_BYTES) : undefined,
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
}
