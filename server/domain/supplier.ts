import type { DomainContext } from './context.ts';
import { applyCheckIn, applySupplierAction } from './orders.ts';
import type { Change, ChannelState, Order, ScheduledAction, SupplierProfile } from './types.ts';

/**
 * The simulated supplier: what each profile does to a new order, on the channel's virtual clock.
 *
 * | profile           | schedule (from the order's creation)          |
 * |-------------------|-----------------------------------------------|
 * | `instant-confirm` | confirm at +0                                 |
 * | `delayed-confirm` | pending at +60 s, confirm at +30 min          |
 * | `always-reject`   | reject at +5 min                              |
 * | `manual`          | nothing (the control API acts instead)        |
 *
 * Every profile but `manual` also checks the travelers in: once an order's use time has passed (a
 * tour's date and start time, the end of a day-ticket's date, on the Korean calendar), the New tickets
 * of a confirmed order become `Used` — so what the status tables refuse after use can be tested by
 * moving the clock. An order that is not confirmed by then is left as it is.
 *
 * Scheduled actions live in `state.schedule` keyed by `scheduleKey`. They are applied lazily, by
 * `applyDue`, whenever the store sees that some are due; an action that is no longer valid for the
 * order's status by then (the channel cancelled first) is dropped.
 */

export type ScheduledKind = ScheduledAction['action'];

/** Order in which actions due at the same instant are applied. */
export const SCHEDULED_ACTIONS: readonly ScheduledKind[] = ['pending', 'confirm', 'reject', 'use'];

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const PROFILE_SCHEDULES: Record<
  SupplierProfile,
  ReadonlyArray<{ action: Exclude<ScheduledKind, 'use'>; afterMs: number }>
> = {
  'instant-confirm': [{ action: 'confirm', afterMs: 0 }],
  'delayed-confirm': [
    { action: 'pending', afterMs: 60 * SECOND },
    { action: 'confirm', afterMs: 30 * MINUTE },
  ],
  'always-reject': [{ action: 'reject', afterMs: 5 * MINUTE }],
  manual: [],
};

export function scheduleKey(orderCode: string, action: ScheduledKind): string {
  return `${orderCode}:${action}`;
}

/** The actions a supplier with `profile` will take on an order created at `createdAtMs`. */
export function scheduleFor(
  profile: SupplierProfile,
  orderCode: string,
  createdAtMs: number,
): ScheduledAction[] {
  return PROFILE_SCHEDULES[profile].map(({ action, afterMs }) => ({
    orderCode,
    at: createdAtMs + afterMs,
    action,
  }));
}

/** The supplier's check-in of an order whose use time is `useAtMs`: none for the `manual` profile. */
export function checkInFor(profile: SupplierProfile, orderCode: string, useAtMs: number): ScheduledAction[] {
  return profile === 'manual' ? [] : [{ orderCode, at: useAtMs, action: 'use' }];
}

/** Sort order of scheduled actions: time, then order code, then pending < confirm < reject. */
export function compareScheduled(a: ScheduledAction, b: ScheduledAction): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.orderCode !== b.orderCode) return a.orderCode < b.orderCode ? -1 : 1;
  return SCHEDULED_ACTIONS.indexOf(a.action) - SCHEDULED_ACTIONS.indexOf(b.action);
}

/**
 * Every scheduled action due at or before `now`, in application order. A naive scan of
 * `state.schedule`: the reference implementation for the store's faster index.
 */
export function dueActions(state: ChannelState, now: number): ScheduledAction[] {
  return Object.values(state.schedule)
    .filter((a) => a.at <= now)
    .sort(compareScheduled);
}

/**
 * Applies `actions` in the given order, each on the state as left by the previous ones. An action whose
 * order is gone or whose transition is no longer allowed (the channel cancelled first, the supplier
 * already decided) is skipped. Every action's schedule entry is deleted, applied or skipped.
 * The order's `updatedAt` is the action's due time, not `ctx.now`: that is when the supplier acted.
 */
export function applyDue(ctx: DomainContext, actions: readonly ScheduledAction[]): Change[] {
  const orders = new Map<string, Order>();
  let stock: Record<string, number> | undefined;
  const changes: Change[] = [];
  for (const due of actions) {
    changes.push(['schedule', scheduleKey(due.orderCode, due.action), null]);
    const order = orders.get(due.orderCode) ?? ctx.state.orders[due.orderCode];
    if (!order) continue;
    const working: DomainContext = stock ? { ...ctx, state: { ...ctx.state, stock } } : ctx;
    const applied =
      due.action === 'use'
        ? applyCheckIn(order, due.at)
        : applySupplierAction(working, order, due.action, due.at);
    if (!applied) continue;
    orders.set(order.code, applied.order);
    for (const change of applied.changes) {
      if (change[0] !== 'stock') continue;
      stock ??= { ...ctx.state.stock };
      if (change[2] === null) delete stock[change[1]];
      else stock[change[1]] = change[2];
    }
    changes.push(...applied.changes);
  }
  return compactChanges(changes);
}

/** Keeps only the last write per (collection, key), in the order of those last writes. */
export function compactChanges(changes: readonly Change[]): Change[] {
  const last = new Map<string, Change>();
  for (const change of changes) {
    const id = `${change[0]}\u0000${change[1]}`;
    last.delete(id);
    last.set(id, change);
  }
  return [...last.values()];
}
