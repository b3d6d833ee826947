/** The control API's records, as the console reads them (openapi/simulator.yaml). */
export interface SimTicket {
  ax_ticket_code: string;
  channel_code: string;
  ax_ticket_status: string;
}
export interface SimOrder {
  ax_order_code: string;
  channel_order_code: string;
  family: string;
  product_code: string;
  option_code: string;
  inventory_at: string;
  quantity: number;
  ax_order_status: string;
  channel_order_status: string;
  comment: string;
  supplier_profile: string;
  created_at: string;
  tickets: SimTicket[];
}
export interface SimProduct {
  product_code: string;
  family: 'tour' | 'day-ticket';
  title: string;
  version: number;
  supplier_profile: string;
  registered_version: number | null;
  in_latest_list: boolean;
  contents: Record<string, string | string[]>;
  options: Array<{ option_code: string; option_name: string; price: Record<string, string | number> }>;
}

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
