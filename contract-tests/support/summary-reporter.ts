import { writeFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import type { Reporter, SerializedError, TestCase, TestModule, Vitest } from 'vitest/node';
import { contractOperations } from './spec.ts';
import type { ContractTarget } from './target.ts';

/**
 * A vitest reporter for the contract suite: a readable summary per operation (passed / failed / skipped
 * with the reason), built from test names (`<operationId> › <behaviour>`), printed at the end of the
 * run; with AX_CONTRACT_SUMMARY_FILE set, the same as JSON (used by `ax-sim contract` and the teeth
 * self-test).
 */

export interface ContractTestResult {
  operationId: string;
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  note?: string;
  errors: string[];
}

export interface ContractSummary {
  target: ContractTarget | undefined;
  tests: ContractTestResult[];
  operations: Array<{
    operationId: string;
    document: 'ax-cloud' | 'simulator' | 'none';
    passed: number;
    failed: number;
    skipped: number;
    reasons: string[];
  }>;
  /** Operations of openapi/ax-cloud.yaml no test is named after. */
  untested: string[];
  unhandledErrors: string[];
  ok: boolean;
}

const OPERATION_IN_NAME = /^([A-Za-z_]\w*) ›/;
const NOT_AN_OPERATION = '(suite)';

export function summarise(
  tests: ContractTestResult[],
  target: ContractTarget | undefined,
  unhandledErrors: string[] = [],
): ContractSummary {
  const documented = contractOperations();
  const order = new Map(documented.map((op, i) => [op.operationId, i]));
  const byOperation = new Map<string, ContractSummary['operations'][number]>();
  for (const op of documented.filter((o) => o.document === 'ax-cloud')) {
    byOperation.set(op.operationId, blank(op.operationId, 'ax-cloud'));
  }
  for (const test of tests) {
    const document = documented.find((o) => o.operationId === test.operationId)?.document ?? 'none';
    const entry = byOperation.get(test.operationId) ?? blank(test.operationId, document);
    byOperation.set(test.operationId, entry);
    if (test.state === 'passed') entry.passed++;
    else if (test.state === 'failed') entry.failed++;
    else {
      entry.skipped++;
      const reason = test.note ?? 'skipped';
      if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    }
  }
  const operations = [...byOperation.values()].sort(
    (a, b) => (order.get(a.operationId) ?? 1e9) - (order.get(b.operationId) ?? 1e9),
  );
  const untested = operations
    .filter((o) => o.document === 'ax-cloud' && o.passed + o.failed + o.skipped === 0)
    .map((o) => o.operationId);
  const ok = tests.every((t) => t.state !== 'failed') && unhandledErrors.length === 0;
  return { target, tests, operations, untested, unhandledErrors, ok };
}

function blank(operationId: string, document: ContractSummary['operations'][number]['document']) {
  return { operationId, document, passed: 0, failed: 0, skipped: 0, reasons: [] as string[] };
}

/** The summary as text: one line per operation, failures and skip reasons under it. */
export function formatSummary(summary: ContractSummary): string {
  const lines: string[] = [];
  const t = summary.target;
  lines.push('');
  lines.push(
    t
      ? `AX Cloud contract suite — ${t.label}${t.channelCode ? `, channel ${t.channelCode}` : ''} (writes ${t.writes ? 'on' : 'off'}, control API ${t.simulator ? 'found' : 'absent'})`
      : 'AX Cloud contract suite',
  );
  const width = Math.max(...summary.operations.map((o) => o.operationId.length), 10);
  let document = '';
  for (const op of summary.operations) {
    if (op.document !== document) {
      document = op.document;
      lines.push(
        document === 'ax-cloud'
          ? '  openapi/ax-cloud.yaml'
          : document === 'simulator'
            ? '  openapi/simulator.yaml (control API)'
            : '  other',
      );
    }
    const total = op.passed + op.failed + op.skipped;
    const mark = op.failed > 0 ? '✗' : total === 0 ? '!' : op.passed > 0 ? '✓' : '-';
    const counts =
      total === 0
        ? 'NO TEST'
        : [
            `${op.passed} passed`,
            op.failed > 0 ? `${op.failed} failed` : '',
            op.skipped > 0 ? `${op.skipped} skipped` : '',
          ]
            .filter(Boolean)
            .join(', ');
    lines.push(`    ${mark} ${op.operationId.padEnd(width)}  ${counts}`);
    for (const test of summary.tests.filter(
      (x) => x.operationId === op.operationId && x.state === 'failed',
    )) {
      lines.push(`        ✗ ${test.name}  (${test.file})`);
      for (const error of test.errors) {
        for (const line of error.split('\n').slice(0, 6)) lines.push(`            ${line}`);
      }
    }
    for (const reason of op.reasons) lines.push(`        - skipped: ${reason}`);
  }
  const count = (state: ContractTestResult['state']) => summary.tests.filter((x) => x.state === state).length;
  const axCloud = summary.operations.filter((o) => o.document === 'ax-cloud');
  lines.push('');
  for (const error of summary.unhandledErrors) lines.push(`  unhandled error: ${error}`);
  lines.push(
    `  ${summary.ok ? 'PASS' : 'FAIL'}: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped; ` +
      `${axCloud.length - summary.untested.length}/${axCloud.length} operations of openapi/ax-cloud.yaml tested` +
      (summary.untested.length > 0 ? ` (no test: ${summary.untested.join(', ')})` : ''),
  );
  lines.push('');
  return lines.join('\n');
}

function resultOf(test: TestCase, module: TestModule): ContractTestResult {
  const result = test.result();
  const operationId = OPERATION_IN_NAME.exec(test.name)?.[1] ?? NOT_AN_OPERATION;
  const file = module.moduleId.replace(/^.*\/contract-tests\//, 'contract-tests/');
  return {
    operationId,
    name: test.name,
    file,
    state: result.state,
    ...(result.state === 'skipped' && result.note !== undefined && { note: result.note }),
    errors:
      result.state === 'failed'
        ? result.errors.map((e) => stripVTControlCharacters(`${e.name ?? 'Error'}: ${e.message}`))
        : [],
  };
}

export default class ContractSummaryReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const contract = testModules.filter((m) => m.project.name === 'contract');
    const tests = contract.flatMap((m) => [...m.children.allTests()].map((t) => resultOf(t, m)));
    // A file that failed to load has no tests; report it as a failure of the suite itself.
    for (const module of contract) {
      for (const error of module.errors()) {
        tests.push({
          operationId: NOT_AN_OPERATION,
          name: `${module.moduleId} could not run`,
          file: module.moduleId,
          state: 'failed',
          errors: [error.message],
        });
      }
    }
    const project = this.vitest?.projects.find((p) => p.name === 'contract');
    let target: ContractTarget | undefined;
    try {
      target = project?.getProvidedContext().axContractTarget;
    } catch {
      target = undefined;
    }
    const summary = summarise(
      tests,
      target,
      unhandledErrors.map((e) => e.message),
    );
    process.stdout.write(formatSummary(summary));
    const file = process.env.AX_CONTRACT_SUMMARY_FILE;
    if (file) writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  }
}
