import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/**
 * A small mutating proxy for the teeth self-test: listens on 127.0.0.1:0, forwards every request to an
 * upstream simulator, and lets a mutation rewrite chosen answers (status and JSON body) — a deliberately
 * broken server for the contract suite to catch.
 */

export interface Exchange {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path with the query, as requested. */
  url: string;
  status: number;
  body: unknown;
}

export interface Mutation {
  name: string;
  /** The operationId at least one failing test must name. */
  affects: string;
  description: string;
  /**
   * The rewritten answer, or undefined to pass it through. Gets a deep copy of the body; called once
   * per answer, in order, so a mutation may keep state (e.g. replay the first answer it saw).
   */
  rewrite(exchange: Exchange): { status?: number; body?: unknown } | undefined;
}

export interface MutatingProxy {
  url: string;
  /** How many answers the mutation rewrote. */
  readonly rewritten: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'upgrade',
  'proxy-connection',
]);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startMutatingProxy(upstream: string, mutation?: Mutation): Promise<MutatingProxy> {
  let rewritten = 0;
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const url = req.url ?? '/';
      const answer = await request(`${upstream}${url}`, {
        method: (req.method ?? 'GET') as 'GET',
        headers,
        body: body.length > 0 ? body : null,
      });
      let status = answer.statusCode;
      let text = await answer.body.text();
      const contentType = String(answer.headers['content-type'] ?? '');
      if (mutation && contentType.includes('application/json') && text.length > 0) {
        const parsed: unknown = JSON.parse(text);
        const change = mutation.rewrite({
          method: req.method ?? 'GET',
          path: url.split('?')[0]!,
          url,
          status,
          body: structuredClone(parsed),
        });
        if (change) {
          rewritten++;
          if (change.status !== undefined) status = change.status;
          if ('body' in change) text = JSON.stringify(change.body);
        }
      }
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      out['content-length'] = String(Buffer.byteLength(text));
      res.writeHead(status, out);
      res.end(text);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `proxy error: ${(error as Error).message}` }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get rewritten() {
      return rewritten;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
