import type pg from 'pg';
import type { FaultRule, FaultRules } from '../../http/faults.ts';
import { StoreError } from '../store.ts';

/**
 * A channel's fault rules kept in PostgreSQL, so that a rule set through one instance fires on all.
 * Each instance holds the rules in its `FaultRules` and checks, before every channel request, whether
 * another instance stored newer ones (one small query, shared by the requests that arrive meanwhile).
 * Counting down `times` stays per instance: a rule with `times: 2` fires twice on each.
 */
export class SharedFaults {
  private version = 0;
  private inflight: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    readonly rules: FaultRules,
  ) {}

  /**
   * Brings the rules up to date. A query already on its way may have been sent before this call (and
   * miss a change just stored), so a caller arriving meanwhile waits for the one after it.
   */
  refresh(): Promise<void> {
    if (this.next) return this.next;
    if (!this.inflight) {
      this.inflight = this.fetch().finally(() => {
        this.inflight = undefined;
      });
      return this.inflight;
    }
    this.next = this.inflight
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.refresh();
      });
    return this.next;
  }

  /** Replaces the rules here and for every instance; on a database failure nothing changes. */
  async set(input: unknown): Promise<FaultRule[]> {
    const before = this.rules.list();
    const listed = this.rules.replace(input);
    try {
      const { rows } = await this.pool.query<{ version: string }>(
        `INSERT INTO ax_sim_fault (channel, version, rules) VALUES ($1, 1, $2)
         ON CONFLICT (channel) DO UPDATE SET version = ax_sim_fault.version + 1, rules = EXCLUDED.rules
         RETURNING version`,
        [this.channel, JSON.stringify(listed)],
      );
      this.version = Number(rows[0]!.version);
    } catch (error) {
      this.rules.replace(before);
      throw new StoreError('postgres', (error as Error).message, { cause: error });
    }
    return listed;
  }

  private async fetch(): Promise<void> {
    let rows: Array<{ version: string; rules: unknown }>;
    try {
      ({ rows } = await this.pool.query<{ version: string; rules: unknown }>(
        'SELECT version, rules FROM ax_sim_fault WHERE channel = $1 AND version > $2',
        [this.channel, this.version],
      ));
    } catch (error) {
      throw new StoreError('postgres', (error as Error).message, { cause: error });
    }
    const row = rows[0];
    if (!row) return;
    this.rules.replace(row.rules);
    this.version = Number(row.version);
  }
}
