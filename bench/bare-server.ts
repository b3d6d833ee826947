/**
 * The ceiling: bare Fastify (same version and settings as the simulator's, no plugins, no hooks, no
 * validation) answering fixed bytes per path — the simulator's own answers, captured by the benchmark.
 * Usage: node --import tsx bench/bare-server.ts <payloads.json>, where the file is {"<path>": "<body>"}.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const file = process.argv[2];
if (!file) throw new Error('usage: bare-server.ts <payloads.json>');
const payloads = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;

const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
// Answers sent, for `npm run bench:check` to compare the load generators' counts with.
let served = 0;
for (const [url, body] of Object.entries(payloads)) {
  const bytes = Buffer.from(body, 'utf8');
  app.get(url, (_request, reply) => {
    served++;
    reply.type('application/json; charset=utf-8').send(bytes);
  });
}
app.get('/__bench/served', (_request, reply) => {
  reply.send({ served });
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare fastify listening on ${address}\n`);
const stop = () => app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
