import type { FaultRule, FaultRules } from '../../http/faults.ts';

/**
 * What the rules need of the PostgreSQL store (`PgStore` has these): an interface of its own, so that
 * the types the package publishes for the HTTP layer never reach the `pg` driver's.
 */
export interface FaultsStore {
  watchFaults(listener: (channel: string, rules: unknown) => void): void;
  sync(channel: string): Promise<void>;
  syncFaults(channel: string): Promise<void>;
  setFaults(channel: string, rules: unknown): Promise<void>;
}

/**
 * A channel's fault rules kept in PostgreSQL, so that a rule set through one instance fires on all.
 * Each instance holds the rules in its `FaultRules`; before a channel request is matched against them
 * the store syncs the channel — for a read, one query that brings both the state and any newer rules and
 * that the request's own reads then reuse. Counting down `times` stays per instance: a rule with `times: 2`
 * fires twice on each.
 */
export class SharedFaults {
  constructor(
    private readonly store: FaultsStore,
    private readonly channel: string,
    readonly rules: FaultRules,
  ) {
    store.watchFaults((c, stored) => {
      if (c === channel) rules.replace(stored);
    });
  }

  /**
   * Brings the rules up to date with everything stored before this call: for a read (GET) together
   * with the channel's state, which the read then uses without a query of its own; for a write, alone
   * and beside the channel's queue (the write catches the state up under the lock anyway).
   */
  refresh(method = 'GET'): Promise<void> {
    return method === 'GET' ? this.store.sync(this.channel) : this.store.syncFaults(this.channel);
  }

  /** Replaces the rules here and for every instance; on a database failure nothing changes here. */
  async set(input: unknown): Promise<FaultRule[]> {
    const before = this.rules.list();
    const listed = this.rules.replace(input);
    try {
      await this.store.setFaults(this.channel, listed);
    } catch (error) {
      this.rules.replace(before);
      throw error;
    }
    return listed;
  }
}
