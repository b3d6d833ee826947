/**
 * Which server the contract suite talks to, and what it may do there.
 *
 * - Default: an in-process simulator on 127.0.0.1, port 0, fresh for the run (started by
 *   `global-setup.ts`); writes and the control API are always allowed.
 * - `AX_BASE_URL` + `AX_API_KEY` (+ optional `AX_CHANNEL_CODE`): that server. Tests that create orders or
 *   other data run only with `AX_CONTRACT_WRITES=1`; tests that need the simulator's control API run only
 *   when `GET /__sim/health` answers (probed once by the global setup). `AX_SIM_ADMIN_KEY` is sent as
 *   `X-Sim-Admin` on control calls for a simulator started with `--admin-key`.
 */

export interface ContractTarget {
  baseUrl: string;
  apiKey: string;
  channelCode: string | undefined;
  /** The simulator's admin key (`X-Sim-Admin`), when the target needs one for control calls. */
  adminKey: string | undefined;
  /** True for the in-process simulator started for this run. */
  inProcess: boolean;
  /** Tests may create orders, registrations, reviews, questions, refunds. */
  writes: boolean;
  /** The target answers `GET /__sim/health`: it is an ax-cloud-sim with its control API. */
  simulator: boolean;
  /** Shown in skip reasons and summaries. */
  label: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    axContractTarget: ContractTarget;
  }
}

export const ENV = {
  baseUrl: 'AX_BASE_URL',
  apiKey: 'AX_API_KEY',
  channelCode: 'AX_CHANNEL_CODE',
  writes: 'AX_CONTRACT_WRITES',
  adminKey: 'AX_SIM_ADMIN_KEY',
} as const;

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

/** The outside target named by the environment, or undefined for the in-process default. */
export function targetFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Omit<ContractTarget, 'simulator'> | undefined {
  const baseUrl = env[ENV.baseUrl]?.trim();
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`${ENV.baseUrl}=${baseUrl} is not an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${ENV.baseUrl}=${baseUrl} is not an absolute http(s) URL`);
  }
  const apiKey = env[ENV.apiKey]?.trim();
  if (!apiKey)
    throw new Error(`${ENV.baseUrl} is set, so ${ENV.apiKey} must be set too (the channel's API key)`);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey,
    channelCode: env[ENV.channelCode]?.trim() || undefined,
    adminKey: env[ENV.adminKey]?.trim() || undefined,
    inProcess: false,
    writes: truthy(env[ENV.writes]),
    label: url.origin,
  };
}

/** Whether `baseUrl` answers `GET /__sim/health` like an ax-cloud-sim (no credentials needed). */
export async function probeSimulator(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/__sim/health`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200) return false;
    const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
    return body?.status === 'ok';
  } catch {
    return false;
  }
}
