import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { axCloudOperationIds, contractOperations } from './support/spec.ts';

/**
 * The suite covers the contract: every operationId of openapi/ax-cloud.yaml must start the title of at
 * least one test in contract-tests/ (`it('createTourOrder › ...')`), and every title that starts with an
 * operationId must name a real one. A new operation in the spec without a test fails here.
 */

const DIR = fileURLToPath(new URL('.', import.meta.url));
// The suite also runs built (dist/contract-tests/*.test.js, by `ax-sim contract` from an install).
const SUFFIX = import.meta.url.endsWith('.ts') ? '.test.ts' : '.test.js';
/** `it('opId › …'` / `test("opId › …"` / `it.skip(`…` — a literal title starting with an identifier and ›. */
const TITLE = /\b(?:it|test)(?:\.\w+)*\(\s*(['"`])([A-Za-z_]\w*) ›/g;

function titledOperations(): Map<string, string[]> {
  const byOperation = new Map<string, string[]>();
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(SUFFIX) && f !== `coverage${SUFFIX}`)) {
    const text = readFileSync(`${DIR}/${file}`, 'utf8');
    for (const match of text.matchAll(TITLE)) {
      const id = match[2]!;
      byOperation.set(id, [...(byOperation.get(id) ?? []), file]);
    }
  }
  return byOperation;
}

describe('coverage', () => {
  it('every operation in openapi/ax-cloud.yaml has a contract test named after it', () => {
    const titled = titledOperations();
    const missing = axCloudOperationIds().filter((id) => !titled.has(id));
    expect(missing, 'operations of openapi/ax-cloud.yaml without a test titled "<operationId> › …"').toEqual(
      [],
    );
    expect(axCloudOperationIds().length).toBeGreaterThan(0);
  });

  it('every test titled "<operationId> › …" names an operation of the two documents', () => {
    const known = new Set(contractOperations().map((op) => op.operationId));
    const unknown = [...titledOperations().entries()]
      .filter(([id]) => !known.has(id))
      .map(([id, files]) => `${id} (${files.join(', ')})`);
    expect(unknown).toEqual([]);
  });
});
