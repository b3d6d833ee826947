import type { components, operations } from '../../client/generated/simulator.ts';

/**
 * The control API's records, as openapi/simulator.yaml defines them: the types generated from it
 * (`npm run generate`), so that a change to the spec shows up here as a type error, not as a blank cell.
 */
type Schemas = components['schemas'];
/** The JSON of an operation's 200 answer. */
type Answer<Id extends keyof operations> = operations[Id]['responses'] extends {
  200: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;
export type SimOrder = Schemas['SimOrder'];
export type SimProduct = Schemas['SimProduct'];
export type SimRefund = Schemas['SimRefund'];
export type SimReview = Schemas['SimReview'];
export type SimQuestion = Schemas['SimQuestion'];
export type SimInventoryEntry = Schemas['SimInventoryEntry'];
export type JournalEntry = Schemas['JournalEntry'];
export type ActiveFaultRule = Schemas['ActiveFaultRule'];
export type OrderStatus = Schemas['OrderStatus'];
/** `GET /__sim/products/{product_code}/inventory`: every option with its entries. */
export type InventoryCalendar = Answer<'getSimInventory'>;
export type Clock = Answer<'getClock'>;

export interface Panel {
  id: string;
  title: string;
  el: HTMLElement;
  refresh(): Promise<void>;
}

import type { Api, Result } from './api.ts';

export interface Ctx {
  api: Api;
  /** Shows the exact call an action made, with its answer. */
  shown(what: string, result: Result): void;
  /** The catalogue (cached until a product event). */
  products(): Promise<SimProduct[]>;
  titleOf(code: string): string;
}
