import { apiError } from '../domain/errors.ts';

/**
 * Fault rules a developer sets through `/__sim/faults` to test a client's retries and timeouts:
 * matching channel-API requests are delayed and/or answered with a given status and body instead of
 * reaching the simulator. Rules live in memory, per channel; they are tooling, not sandbox state.
 */
export interface FaultRule {
  id: string;
  method?: string;
  /** Glob over the request path: `*` matches one segment, `**` any number. */
  path: string;
  status?: number;
  body?: unknown;
  delayMs?: number;
  probability: number;
  /** As sent: fire this many times in all. */
  times?: number;
  /** Fires this many more times, then the rule is removed; null = forever (the document requires the key). */
  remaining: number | null;
}

export interface FaultAction {
  delayMs: number;
  status?: number;
  body?: unknown;
}

export class FaultRules {
  private rules: Array<FaultRule & { pattern: RegExp }> = [];
  private counter = 0;
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /** How many rules are set (none, on almost every request: nothing to match). */
  get size(): number {
    return this.rules.length;
  }

  list(): FaultRule[] {
    return this.rules.map(({ pattern: _, ...rule }) => rule);
  }

  /** Replaces every rule. Throws a 400 naming the rule at fault. */
  replace(input: unknown): FaultRule[] {
    if (!Array.isArray(input)) throw apiError('rulesNotAList');
    this.rules = input.map((raw, i) => {
      const rule = raw as Record<string, unknown>;
      const at = `rules[${i}]`;
      if (typeof rule.path !== 'string' || !rule.path.startsWith('/')) {
        throw apiError('rulePathInvalid', { at });
      }
      if (rule.status !== undefined && !isAnswerStatus(rule.status)) {
        throw apiError('ruleStatusInvalid', { at });
      }
      if (rule.status === undefined && rule.delayMs === undefined) {
        throw apiError('ruleNeedsEffect', { at });
      }
      return {
        id: typeof rule.id === 'string' ? rule.id : `fault-${++this.counter}`,
        method: typeof rule.method === 'string' ? rule.method.toUpperCase() : undefined,
        path: rule.path,
        status: rule.status as number | undefined,
        body: rule.body,
        delayMs: rule.delayMs as number | undefined,
        probability: typeof rule.probability === 'number' ? rule.probability : 1,
        times: rule.times as number | undefined,
        remaining: (rule.times as number | undefined) ?? null,
        pattern: globToRegExp(rule.path),
      };
    });
    return this.list();
  }

  /** The first rule that matches and fires for this request, counted down; undefined when none does. */
  match(method: string, path: string): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method !== method) continue;
      if (!rule.pattern.test(path)) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      if (rule.remaining !== null) {
        rule.remaining--;
        if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      }
      return { delayMs: rule.delayMs ?? 0, status: rule.status, body: rule.body };
    }
    return undefined;
  }
}

/**
 * Statuses a fault can answer with: a final status that carries a body. 1xx are interim answers (a
 * client keeps waiting for the real one) and 304 has no body by definition (a client that reads the
 * length or the body breaks), so neither can stand in for an answer.
 */
export function isAnswerStatus(status: unknown): boolean {
  return Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 599 && status !== 304;
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('/')
    .map((segment) =>
      segment === '**'
        ? '.*'
        : segment
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*'),
    )
    .join('/');
  return new RegExp(`^${source.replace(/\/\.\*/g, '(?:/.*)?')}/?$`);
}
