import { describe, expect, it } from 'vitest';
import type { operations } from '../../client/generated/ax-cloud.ts';
import { channelHandlers } from './channel-api.ts';
import type { Handler, Handlers } from './routes.ts';

/**
 * The handler tables are checked by `tsc` against the generated `operations`: these lines compile only
 * because each `@ts-expect-error` below meets the error it expects.
 */
describe('handler tables typed from the spec', () => {
  it('refuse a missing handler, a handler of no operation and a field the spec does not have', () => {
    const { createTourOrder, ...missing } = channelHandlers();
    // @ts-expect-error createTourOrder is missing
    const incomplete: Handlers<operations> = missing;
    // @ts-expect-error createTourOrders is no operation of the document
    const extra: Handlers<operations> = { ...channelHandlers(), createTourOrders: createTourOrder };
    const typo: Handler<operations['getTourProduct']> = async (request) => {
      // @ts-expect-error the path parameter is product_code
      const code: string = request.params.productCode;
      // @ts-expect-error getTourProduct has no query
      const page: number = request.query.page;
      // @ts-expect-error nor a body
      const body: unknown = request.body.contents;
      return { body: { code, page, body } };
    };
    const paged: Handler<operations['listTourProducts']> = async (request) => {
      // The spec gives page a default: it is always there.
      const page: number = request.query.page;
      return { body: { page } };
    };
    expect([incomplete, extra, typo, paged].every(Boolean)).toBe(true);
  });
});
