import type { TestProject } from 'vitest/node';
import { buildSimulator } from '../../server/app.ts';
import { type ContractTarget, probeSimulator, targetFromEnv } from './target.ts';

/**
 * Resolves the target once per run and hands it to every test file (`inject('axContractTarget')`):
 * the server named by AX_BASE_URL, or a fresh in-process simulator on 127.0.0.1:0.
 */
export default async function setup(project: TestProject) {
  const outside = targetFromEnv();
  if (outside) {
    const target: ContractTarget = { ...outside, simulator: await probeSimulator(outside.baseUrl) };
    project.provide('axContractTarget', target);
    return;
  }
  const app = await buildSimulator({ data: ':memory:' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  project.provide('axContractTarget', {
    baseUrl,
    apiKey: 'demo-key',
    channelCode: 'demo-channel',
    adminKey: undefined,
    inProcess: true,
    writes: true,
    simulator: true,
    label: `in-process simulator (${baseUrl})`,
  });
  return async () => {
    await app.close();
  };
}
