import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDocument } from 'yaml';
import type { ChannelConfig } from '../sandbox.ts';
import { AX_CLOUD_SPEC, type LoadedSpec, SIMULATOR_SPEC } from './spec.ts';

/**
 * The documents as served (`/openapi.json`, `/openapi.yaml`, `/openapi/simulator.*`, and the docs UI at
 * `/docs`): the files as written, except for two things a browser needs to be safe and to work.
 *
 * - `servers`: the address this simulator is answering on comes first — whatever `--host`/`--port` it
 *   was started with — so "Try it out" talks to it; then the vendor's **test** server. Production is
 *   never listed: a click in the docs UI must not place a real order.
 * - The Authorize dialog shows the security scheme's description; it starts by saying what to type
 *   (`Token demo-key`), because the header wants the word `Token` before the key.
 */

/** The vendor's servers other than production, in the order the served documents list them. */
export const VENDOR_TEST_SERVER = 'https://test.ax-cloud.com';

type Json = Record<string, unknown>;

export interface DocsOptions {
  axCloud: LoadedSpec;
  simulator: LoadedSpec;
  channels: readonly ChannelConfig[];
  /** The control API is served (its document is in the UI only then). */
  control: boolean;
}

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The origin the client reached this server at (its `Host` header), or the listening address. */
export function servingOrigin(request: FastifyRequest): string {
  const host = request.headers.host;
  if (host && HOST_HEADER.test(host)) return `${request.protocol}://${host}`;
  const address = request.server.server.address();
  if (address && typeof address === 'object') {
    const name = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${name}:${address.port}`;
  }
  return 'http://127.0.0.1';
}

function servers(origin: string, which: 'ax-cloud' | 'simulator') {
  const local = { url: origin, description: 'This ax-cloud-sim simulator (sandbox key `demo-key`).' };
  if (which === 'simulator') return [local];
  return [
    local,
    {
      url: VENDOR_TEST_SERVER,
      description: "The vendor's test server (sample data; your channel's test key).",
    },
  ];
}

function authorizeHint(channels: readonly ChannelConfig[]): string {
  const [first, ...others] = channels;
  const also = others.length
    ? ` (other sandbox channels: ${others.map((c) => `\`Token ${c.apiKey}\``).join(', ')})`
    : '';
  return `**Value: \`Token ${first?.apiKey ?? '<api_key>'}\`** — the word \`Token\`, a space, then the key${also}.\n\n`;
}

/** A copy of `document` as served to `origin`. */
export function servedDocument(
  document: Json,
  origin: string,
  which: 'ax-cloud' | 'simulator',
  channels: readonly ChannelConfig[],
): Json {
  const copy = structuredClone(document);
  copy.servers = servers(origin, which);
  const schemes = (copy.components as Json | undefined)?.securitySchemes as Record<string, Json> | undefined;
  for (const scheme of Object.values(schemes ?? {})) {
    if (scheme.type === 'apiKey' && scheme.name === 'Authorization') {
      scheme.description = authorizeHint(channels) + String(scheme.description ?? '');
    }
  }
  return copy;
}

/**
 * Answers per origin, kept: a document is rebuilt only for an origin not seen yet. The `Host` header is
 * the client's to choose, so the cache is bounded.
 */
function perOrigin<T>(build: (origin: string) => T): (origin: string) => T {
  const cache = new Map<string, T>();
  return (origin) => {
    let value = cache.get(origin);
    if (value === undefined) {
      if (cache.size >= 16) cache.clear();
      value = build(origin);
      cache.set(origin, value);
    }
    return value;
  };
}

/** The YAML file as written — comments and order kept — with the served servers and scheme text. */
function servedYaml(
  text: string,
  origin: string,
  which: 'ax-cloud' | 'simulator',
  channels: readonly ChannelConfig[],
): string {
  const doc = parseDocument(text);
  doc.set('servers', doc.createNode(servers(origin, which)));
  const schemes = doc.getIn(['components', 'securitySchemes']) as { items?: Array<{ key: unknown }> };
  for (const pair of schemes?.items ?? []) {
    const name = String((pair.key as { value?: unknown }).value ?? pair.key);
    const path = ['components', 'securitySchemes', name];
    if (doc.getIn([...path, 'type']) === 'apiKey' && doc.getIn([...path, 'name']) === 'Authorization') {
      doc.setIn(
        [...path, 'description'],
        authorizeHint(channels) + String(doc.getIn([...path, 'description']) ?? ''),
      );
    }
  }
  return doc.toString({ lineWidth: 0 });
}

export async function registerDocs(app: FastifyInstance, options: DocsOptions): Promise<void> {
  const { axCloud, simulator, channels, control } = options;
  const axCloudJson = perOrigin((origin) => servedDocument(axCloud.document, origin, 'ax-cloud', channels));
  const simulatorJson = perOrigin((origin) =>
    servedDocument(simulator.document, origin, 'simulator', channels),
  );
  const axCloudText = readFileSync(AX_CLOUD_SPEC, 'utf8');
  const simulatorText = readFileSync(SIMULATOR_SPEC, 'utf8');
  const axCloudYaml = perOrigin((origin) => servedYaml(axCloudText, origin, 'ax-cloud', channels));
  const simulatorYaml = perOrigin((origin) => servedYaml(simulatorText, origin, 'simulator', channels));

  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: axCloud.document as never },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // The selector at the top of the UI: the vendor contract, and the simulator's control API.
    uiConfig: {
      urls: [
        { url: '/openapi.json', name: 'AX Cloud channel API' },
        ...(control ? [{ url: '/openapi/simulator.json', name: 'ax-cloud-sim control API (/__sim)' }] : []),
      ],
      'urls.primaryName': 'AX Cloud channel API',
      persistAuthorization: true,
    } as never,
    transformSpecification: (_document, request) => axCloudJson(servingOrigin(request)),
    transformSpecificationClone: false,
  });
  app.get('/openapi.json', async (request) => axCloudJson(servingOrigin(request)));
  app.get('/openapi.yaml', async (request, reply) =>
    reply.type('application/yaml').send(axCloudYaml(servingOrigin(request))),
  );
  app.get('/openapi/simulator.json', async (request) => simulatorJson(servingOrigin(request)));
  app.get('/openapi/simulator.yaml', async (request, reply) =>
    reply.type('application/yaml').send(simulatorYaml(servingOrigin(request))),
  );
}
