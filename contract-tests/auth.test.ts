import { afterAll, describe, expect, it } from 'vitest';
import type { AxCloudClient } from '../client/index.ts';
import { contractClient } from './support/client.ts';
import { contractOperations } from './support/spec.ts';
import {
  client,
  expectVendorError,
  MESSAGES,
  needsControl,
  needsSimulatorEndpoint,
  unknownCode,
} from './support/world.ts';

/**
 * Authentication (as the vendor documents it): every operation answers 403 with the documented message to an
 * unknown API key — before it looks at the path or the body — and `Channel: Code` must match the key.
 */

const stranger = contractClient({ apiKey: `contract-invalid-${unknownCode()}`, channelCode: null });
afterAll(() => stranger.close());

/** ax-cloud-sim's own operations in openapi/ax-cloud.yaml (the vendor documents none of them). */
const SIMULATOR_OWN = new Set(['getTourAnswer', 'getDayTicketAnswer', 'createDayTicketQuestion']);

const operations = contractOperations().filter((op) => op.operationId !== 'getHealth');

describe('403 for an unknown API key', () => {
  it.for(operations.map((op) => [op.operationId, op] as const))(
    '%s › 403 이 작업을 수행할 권한(permission)이 없습니다. for an unknown API key',
    async ([operationId, op], ctx) => {
      if (op.document === 'simulator') needsControl(ctx);
      if (SIMULATOR_OWN.has(operationId)) needsSimulatorEndpoint(ctx, operationId);
      const params = Object.fromEntries(
        [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1]!, unknownCode()]),
      );
      const method = (stranger as unknown as Record<string, (args: unknown) => Promise<unknown>>)[
        operationId
      ]!;
      const args = {
        ...(Object.keys(params).length > 0 && { path: params }),
        ...(['POST', 'PATCH', 'PUT'].includes(op.method) && { body: {} }),
      };
      await expectVendorError(method(args), 403, MESSAGES.denied);
    },
  );
});

describe('Channel header', () => {
  it('listTourProducts › 403 when the Channel header names another channel', async () => {
    const mismatched: AxCloudClient = contractClient({
      channelCode: `contract-other-${unknownCode().slice(0, 8)}`,
    });
    try {
      await expectVendorError(mismatched.listTourProducts(), 403, MESSAGES.denied);
    } finally {
      await mismatched.close();
    }
  });

  it('listDayTicketProducts › 200 without a Channel header (it is optional)', async () => {
    const keyOnly = contractClient({ channelCode: null });
    try {
      expect((await keyOnly.listDayTicketProducts()).status).toBe(200);
    } finally {
      await keyOnly.close();
    }
  });

  it('listTourProducts › the shared client answers 200 (credentials work)', async () => {
    expect((await client.listTourProducts()).status).toBe(200);
  });
});
