import type { operations } from '../../client/generated/simulator.ts';
import { seedWorld } from '../../fixtures/world.ts';
import { currentProduct } from '../domain/context.ts';
import { notFound } from '../domain/errors.ts';
import { listEntries } from '../domain/inventory.ts';
import type { DayTicketPrice, Product, TourPrice } from '../domain/types.ts';
import type { Handlers } from './routes.ts';

/**
 * Control-API reads the console's panels need beyond the records lists: the catalogue as this channel
 * sees it (versions, registration, the latest list) and an option's inventory calendar — read without
 * going through the channel API, so looking at the sandbox adds nothing to the request journal and no
 * fault rule fires on it — and the lived-in demo world (`POST /__sim/world`).
 */
export function consoleApiHandlers(): Handlers<
  Pick<operations, 'listSimProducts' | 'getSimInventory' | 'seedWorld'>
> {
  return {
    listSimProducts: async (request, sim) => {
      const { query } = request;
      return {
        body: await sim.read(request.channel.code, (ctx) => {
          const seeded =
            query.family === 'tour'
              ? ctx.catalog.tours
              : query.family === 'day-ticket'
                ? ctx.catalog.dayTickets
                : [...ctx.catalog.tours, ...ctx.catalog.dayTickets];
          const registered = (code: string) => {
            const mapping = ctx.state.latestRegistration[code];
            return mapping === undefined ? null : (ctx.state.registrations[mapping]?.version ?? null);
          };
          let products = seeded.map((p) => currentProduct(ctx, p.code) ?? p);
          if (query.latest) {
            products = products.filter((p) => {
              const version = registered(p.code);
              return version !== null && p.version > version;
            });
          }
          const page = products.slice(query.offset, query.offset + query.limit);
          const next = query.offset + page.length < products.length ? query.offset + page.length : null;
          return {
            products: page.map((p) => productOf(p, registered(p.code))),
            count: products.length,
            next,
          };
        }),
      };
    },

    getSimInventory: async (request, sim) => {
      const { params, query } = request;
      return {
        body: await sim.read(request.channel.code, (ctx) => {
          const product = currentProduct(ctx, params.product_code);
          if (!product) throw notFound();
          return {
            product_code: product.code,
            family: product.family,
            options: product.options.map((option) => {
              const slots = Math.max(1, option.inventory.startTimes.length);
              return {
                option_code: option.code,
                option_name: option.name,
                entries: listEntries(ctx, product, option, 0, query.days * slots).map((e) => ({
                  inventory_code: e.code,
                  date: e.date,
                  start_time: e.startTime,
                  day_of_week: e.dayOfWeek,
                  is_order: e.isOrder,
                  max_quantity: e.max,
                  min_quantity: e.min,
                  remain_quantity: e.remain,
                  ordered_quantity: e.ordered,
                })),
              };
            }),
          };
        }),
      };
    },

    seedWorld: async (request) => {
      const { body } = request;
      const key = /^Token (\S+)$/.exec(String(request.headers.authorization))![1]!;
      const admin = request.headers['x-sim-admin'];
      const summary = await seedWorld(
        request.server,
        key,
        body.seed ?? 1,
        typeof admin === 'string' ? { 'x-sim-admin': admin } : {},
      );
      return { body: summary };
    },
  };
}

function productOf(p: Product, registeredVersion: number | null) {
  return {
    product_code: p.code,
    family: p.family,
    title: p.title,
    version: p.version,
    supplier_profile: p.supplier,
    registered_version: registeredVersion,
    in_latest_list: registeredVersion !== null && p.version > registeredVersion,
    contents: p.contents,
    options: p.options.map((o) => ({ option_code: o.code, option_name: o.name, price: priceOf(o.price) })),
  };
}

function priceOf(price: TourPrice | DayTicketPrice) {
  if ('currency' in price) return { currency: price.currency, price: price.price };
  return {
    unit_selling_price_usd: Number(price.unitUsd),
    selling_price_per_person_usd: Number(price.perPersonUsd),
    unit_selling_price_krw: Number(price.unitKrw),
    selling_price_per_person_krw: Number(price.perPersonKrw),
  };
}
