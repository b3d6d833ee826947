import type { InventoryEntry } from './inventory.ts';
import { FINAL_STATUSES, nextOrderStatus } from './statuses.ts';
import { CALENDAR_OFFSET_MS, DAY_MS } from './time.ts';
import type { Change, ChannelState, Family, Order, ScheduledAction, SupplierProfile } from './types.ts';

/**
 * When the simulated supplier acts: what each profile schedules for a new order, on the channel's
 * virtual clock. What the supplier then does is supplier.ts.
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
 * `applyDue` (supplier.ts), whenever the sandbox sees that some are due; an action that is no longer
 * valid for the order's status by then (the channel cancelled first) is dropped.
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

/**
 * When the supplier checks an order's travelers in: once its use time has passed — a tour's date and
 * start time, the end of a day-ticket's date, both on the Korean calendar (`entry.at` is Korean
 * wall-clock time). One millisecond after it: a tour starting right now is still orderable (and
 * cancellable) now, exactly as it is still listed.
 */
export function useTime(family: Family, entry: InventoryEntry): number {
  return entry.at - CALENDAR_OFFSET_MS + (family === 'tour' ? 0 : DAY_MS) + 1;
}

/** Deletes the order's schedule entries whose action is no longer allowed from the order's status. */
export function staleScheduleChanges(state: ChannelState, order: Order): Change[] {
  const changes: Change[] = [];
  for (const action of SCHEDULED_ACTIONS) {
    const key = scheduleKey(order.code, action);
    const allowed =
      action === 'use'
        ? !FINAL_STATUSES.has(order.status)
        : nextOrderStatus(order.status, `supplier:${action}`);
    if (state.schedule[key] && !allowed) changes.push(['schedule', key, null]);
  }
  return changes;
}

/** Sort order of scheduled actions: time, then order code, then pending < confirm < reject. */
export function compareScheduled(a: ScheduledAction, b: ScheduledAction): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.orderCode !== b.orderCode) return a.orderCode < b.orderCode ? -1 : 1;
  return SCHEDULED_ACTIONS.indexOf(a.action) - SCHEDULED_ACTIONS.indexOf(b.action);
}

/**
 * Every scheduled action due at or before `now`, in application order. A naive scan of
 * `state.schedule`: the reference implementation for the sandbox's faster index.
 */
export function dueActions(state: ChannelState, now: number): ScheduledAction[] {
  return Object.values(state.schedule)
    .filter((a) => a.at <= now)
    .sort(compareScheduled);
}
