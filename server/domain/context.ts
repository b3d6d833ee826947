import type { Catalog, Change, ChannelMeta, ChannelState, Product } from './types.ts';

/**
 * What a domain function sees: the channel's state (read-only — changes are returned, never applied in
 * place), the seeded catalogue, and the channel's virtual "now". Domain functions are pure: no I/O, no
 * Fastify, no real clock.
 */
export interface DomainContext {
  readonly state: ChannelState;
  /** The channel's meta record (`metaOf(state)`): its day zero, clock offset, catalogue. */
  readonly meta: ChannelMeta;
  readonly catalog: CatalogIndex;
  /** Virtual epoch milliseconds (real clock + the channel's offset). */
  readonly now: number;
  readonly channel: string;
}

export interface CatalogIndex {
  readonly catalog: Catalog;
  /** Seeded product by code (ignores versions the channel re-published; see currentProduct). */
  readonly byCode: ReadonlyMap<string, Product>;
  /** Products of one family in catalogue order. */
  readonly tours: readonly Product[];
  readonly dayTickets: readonly Product[];
}

/** A domain function's answer: what to reply and what to write. Writes are applied all together, or not at all. */
export interface Outcome<T> {
  result: T;
  changes: Change[];
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  const byCode = new Map<string, Product>();
  const tours: Product[] = [];
  const dayTickets: Product[] = [];
  for (const p of catalog.products) {
    byCode.set(p.code, p);
    (p.family === 'tour' ? tours : dayTickets).push(p);
  }
  return { catalog, byCode, tours, dayTickets };
}

/** The product as this channel sees it now: its re-published version if any, else the seeded one. */
export function currentProduct(ctx: DomainContext, code: string): Product | undefined {
  return ctx.state.products[code] ?? ctx.catalog.byCode.get(code);
}
