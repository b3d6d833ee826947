import type { FastifyRequest } from 'fastify';
import type { operations } from '../../client/generated/ax-cloud.ts';
import { getProduct, listProducts, listUpdates, registerProduct } from '../domain/catalog.ts';
import { type InventoryEntry, inventoryChangesAt, listEntries } from '../domain/inventory.ts';
import { toJsonNumber } from '../domain/money.ts';
import { addDays } from '../domain/time.ts';
import type { DayTicketPrice, Family, Product, TourPrice } from '../domain/types.ts';
import type { Handler, Handlers } from './routes.ts';

/** Products, registration, latest list, prices and inventory (P1–P10, I1–I2): the vendor's shapes. */

type Ops = operations;
type Twins<Tour extends keyof Ops, DayTicket extends keyof Ops> = Handler<Ops[Tour] | Ops[DayTicket]>;

/** P1/P6: a page of the sellable products of a family. */
const listProductsOf =
  (family: Family): Twins<'listTourProducts', 'listDayTicketProducts'> =>
  async (request, sim) => {
    const { query } = request;
    // Sale periods are shown as dates of the channel's calendar (its anchor date).
    const json = await sim.answer(
      request.channel.code,
      `list ${family} ${query.page} ${query.page_size}`,
      (ctx) => ({
        body: {
          status_code: 200,
          products: listProducts(ctx, family, query.page, query.page_size).map((p) =>
            listItem(p, ctx.meta.anchorDate),
          ),
        },
      }),
      sendAgain(request),
    );
    return { json };
  };

/** P2/P7: one product with its contents and options. */
const getProductOf =
  (family: Family): Twins<'getTourProduct', 'getDayTicketProduct'> =>
  async (request, sim) => {
    const code = request.params.product_code;
    const json = await sim.answer(
      request.channel.code,
      `product ${family} ${code}`,
      (ctx) => {
        const product = getProduct(ctx, family, code);
        return {
          body: {
            status_code: 200,
            required_traveler_information: product.rti,
            contents: product.contents,
            options: product.options.map((o) => ({ option_code: o.code, option_name: o.name })),
          },
        };
      },
      sendAgain(request),
    );
    return { json };
  };

/** P3/P8: the channel registers (maps) a product. */
const registerProductOf =
  (family: Family): Twins<'registerTourProduct', 'registerDayTicketProduct'> =>
  async (request, sim) => {
    const { params, body } = request;
    const registration = await sim.run(request.channel.code, (ctx) =>
      registerProduct(ctx, family, params.product_code, {
        mappingData: body.mapping_data,
        channelProductName: body.channel_product_name,
        channelProductLink: body.channel_product_link,
        channelProductId: body.channel_product_id,
      }),
    );
    return {
      body: {
        status_code: 201,
        data: {
          channel_product_mapping_code: registration.mappingCode,
          channel_product_mapping_data_code: registration.mappingCode,
          product_code: registration.productCode,
          version: registration.version,
        },
      },
    };
  };

/** P4/P9: the latest list — registered products with a newer version. */
const listProductUpdatesOf =
  (family: Family): Twins<'listTourProductUpdates', 'listDayTicketProductUpdates'> =>
  async (request, sim) => {
    const { query } = request;
    const updates = await sim.read(request.channel.code, (ctx) =>
      listUpdates(ctx, family, query.page, query.page_size),
    );
    return {
      body: {
        status_code: 201,
        data: updates.map((u) => ({ product_code: u.code, title: u.title, version: u.version })),
      },
    };
  };

/** I1/I2: a page of each option's inventory entries. */
const getInventoryOf =
  (family: Family): Twins<'getTourInventory', 'getDayTicketInventory'> =>
  async (request, sim) => {
    const { params, query } = request;
    const start = (query.page - 1) * query.page_size;
    const end = start + query.page_size;
    const key = `inventory ${family} ${params.product_code} ${query.page} ${query.page_size}`;
    const json = await sim.answer(
      request.channel.code,
      key,
      (ctx) => {
        const product = getProduct(ctx, family, params.product_code);
        const byOption: Record<string, unknown[]> = {};
        for (const option of product.options) {
          // Paging is per option: page N of each option's entries.
          byOption[option.code] = listEntries(ctx, product, option, start, end).map((e) =>
            inventoryItem(family, e),
          );
        }
        // Today's start times pass and days turn without a commit: the page holds until the next such instant.
        const validUntil = inventoryChangesAt(ctx, product);
        return { body: { status_code: 200, option_codes: byOption }, validUntil };
      },
      sendAgain(request),
    );
    return { json };
  };

export const productHandlers = {
  listTourProducts: listProductsOf('tour'),
  listDayTicketProducts: listProductsOf('day-ticket'),
  getTourProduct: getProductOf('tour'),
  getDayTicketProduct: getProductOf('day-ticket'),
  registerTourProduct: registerProductOf('tour'),
  registerDayTicketProduct: registerProductOf('day-ticket'),
  listTourProductUpdates: listProductUpdatesOf('tour'),
  listDayTicketProductUpdates: listProductUpdatesOf('day-ticket'),

  getTourPrice: async (request, sim) => {
    const product = await sim.read(request.channel.code, (ctx) =>
      getProduct(ctx, 'tour', request.params.product_code),
    );
    const prices = product.options.map((o) => {
      const price = o.price as TourPrice;
      return {
        option_code: o.code,
        unit_selling_price_usd: toJsonNumber(price.unitUsd),
        selling_price_per_person_usd: toJsonNumber(price.perPersonUsd),
        unit_selling_price_krw: toJsonNumber(price.unitKrw),
        selling_price_per_person_krw: toJsonNumber(price.perPersonKrw),
      };
    });
    return { body: { status_code: 200, prices } };
  },

  getDayTicketPrice: async (request, sim) => {
    const product = await sim.read(request.channel.code, (ctx) =>
      getProduct(ctx, 'day-ticket', request.params.product_code),
    );
    const prices = product.options.map((o) => {
      const price = o.price as DayTicketPrice;
      return { option_code: o.code, currency: price.currency, price: price.price };
    });
    return { body: { status_code: 200, prices } };
  },

  getTourInventory: getInventoryOf('tour'),
  getDayTicketInventory: getInventoryOf('day-ticket'),
} satisfies Partial<Handlers<Ops>>;

/** A cached read may be sent again for its URL, with the operation's status (see `Sandboxes.kept`). */
function sendAgain(request: FastifyRequest): { url: string; status: number } {
  return { url: request.url, status: request.routeOptions.config.successStatus ?? 200 };
}

/** One inventory entry as the vendor shows it: tours with start time, weekday, on-sale flag and minimum. */
export function inventoryItem(family: Family, e: InventoryEntry) {
  return family === 'tour'
    ? {
        inventory_code: e.code,
        date: e.date,
        start_time: e.startTime,
        day_of_the_week: e.dayOfWeek,
        is_order: e.isOrder,
        max_quantity: e.max,
        min_quantity: e.min,
        remain_quantity: e.remain,
        ordered_quantity: e.ordered,
      }
    : {
        inventory_code: e.code,
        date: e.date,
        max_quantity: e.max,
        remain_quantity: e.remain,
        ordered_quantity: e.ordered,
      };
}

/** A product-list item; a day-ticket's sale period as dates of the channel's calendar. */
function listItem(product: Product, anchorDate: string): Record<string, string> {
  const item: Record<string, string> = { product_code: product.code, ...product.listing };
  const sale = product.salePeriod;
  if (sale) {
    item.start_date_of_the_sale = addDays(anchorDate, sale.fromDay);
    item.end_date_of_the_sale = addDays(anchorDate, sale.toDay);
  }
  return item;
}
