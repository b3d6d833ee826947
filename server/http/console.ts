import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../domain/errors.ts';

/**
 * `/console`: the supplier console, served from the built assets (`npm run build:console` writes them
 * to dist/console/). Same origin as the API, nothing fetched from elsewhere — the Content-Security-Policy
 * says so to the browser. Without a build, /console answers a short page saying how to make one.
 */

/** Where the built console may be: next to the sources (dist/console/), or beside a built server. */
const CANDIDATES = ['../../dist/console', '../../console'].map((p) =>
  fileURLToPath(new URL(`${p}/`, import.meta.url)),
);

/** A built console has a Vite manifest; the source folder (console/) has none. */
export function consoleDir(): string | undefined {
  return CANDIDATES.find((dir) => existsSync(path.join(dir, '.vite', 'manifest.json')));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ax-sim console — not built</title><link rel="icon" href="data:,"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The console is not built</h1>
<p>Run <code>npm run build:console</code> in the ax-cloud-sim checkout, then reload this page.
(콘솔이 빌드되지 않았습니다. <code>npm run build:console</code> 을 실행한 뒤 새로 고침하세요.)</p>
</body></html>
`;

export function registerConsole(app: FastifyInstance, builtDir?: string): void {
  const cache = new Map<string, Buffer>();
  // Looked up again until found: a console built while the simulator runs is served on the next request.
  let found = builtDir;
  const file = (name: string): Buffer | undefined => {
    found ??= consoleDir();
    const dir = found;
    if (!dir) return undefined;
    let bytes = cache.get(name);
    if (bytes === undefined) {
      const full = path.join(dir, name);
      // Only files inside the built folder, never a path that climbs out of it.
      if (!full.startsWith(dir) || !existsSync(full) || !statSync(full).isFile()) return undefined;
      bytes = readFileSync(full);
      cache.set(name, bytes);
    }
    return bytes;
  };

  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    const index = file('index.html');
    reply.header('content-security-policy', CSP).header('cache-control', 'no-cache');
    if (!index) return reply.code(200).type(TYPES['.html']!).send(NOT_BUILT);
    return reply.type(TYPES['.html']!).send(index);
  };
  app.get('/console', page);

  app.get<{ Params: { name: string } }>('/console/assets/:name', async (request, reply) => {
    const name = request.params.name;
    const bytes = /^\w[\w.-]*$/.test(name) ? file(path.join('assets', name)) : undefined;
    if (!bytes) return reply.code(404).send(notFound().body);
    // File names carry a content hash: a new build has new names.
    return reply
      .type(TYPES[path.extname(name)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(bytes);
  });
}
