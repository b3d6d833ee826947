import type { FastifyInstance } from 'fastify';
import type { operations } from '../../client/generated/simulator.ts';
import { denied } from '../domain/errors.ts';
import type { Sandboxes } from '../sandbox.ts';
import { authenticate } from './auth.ts';
import { consoleApiHandlers } from './console-api.ts';
import { type ChannelTools, controlHandlers } from './control.ts';
import { answerError } from './errors.ts';
import { type ChannelEvents, eventHandlers } from './events.ts';
import { type Handlers, registerOperations } from './routes.ts';
import type { LoadedSpec } from './spec.ts';

export interface ControlApiOptions {
  sim: Sandboxes;
  /** openapi/simulator.yaml, read. */
  spec: LoadedSpec;
  tools: (channel: string) => ChannelTools;
  events: ChannelEvents;
  version: string;
  /** When set, every call but the health check also needs `X-Sim-Admin: <adminKey>`. */
  adminKey?: string;
  enter?: (next: () => void) => void;
}

/** Operations anyone may call, without a channel key. */
const PUBLIC = new Set<string>(['getHealth']);

/**
 * The control API (`/__sim/…`), as an encapsulated plugin: authenticated by the channel key (and the
 * admin key when one is set), never journaled, never faulted, with its own flat error shape.
 */
export async function controlApi(app: FastifyInstance, options: ControlApiOptions): Promise<void> {
  const { sim, adminKey, enter } = options;
  if (enter) app.addHook('onRequest', (_request, _reply, done) => enter(done));

  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.config.auth) return;
    authenticate(sim, request);
    if (adminKey !== undefined && request.headers['x-sim-admin'] !== adminKey) throw denied();
  });

  app.setErrorHandler(answerError('flat'));
  registerOperations(
    app,
    options.spec,
    {
      ...controlHandlers(options.tools, options.version),
      ...consoleApiHandlers(),
      ...eventHandlers(options.events),
    } satisfies Handlers<operations>,
    sim,
    (id) => PUBLIC.has(id),
  );
}
