import {
  AX_CLOUD_DOCUMENT,
  type Operation,
  type PathMatcher,
  pathMatcher,
  readDocument,
  SIMULATOR_DOCUMENT,
} from '../../openapi/document.ts';

/**
 * The operations of the two OpenAPI documents as the document reader gives them (`openapi/document.ts`,
 * which imports nothing of the simulator): method, path, deprecated alias routes, and the JSON Schema of
 * every documented response. The contract suite compiles its own validators from them (validator.ts).
 */

export const AX_CLOUD_YAML = AX_CLOUD_DOCUMENT;
export const SIMULATOR_YAML = SIMULATOR_DOCUMENT;

export interface ContractOperation extends Operation {
  document: 'ax-cloud' | 'simulator';
}

let cache: { operations: ContractOperation[]; match: PathMatcher<ContractOperation> } | undefined;

function read() {
  if (!cache) {
    const operations = [
      ...readDocument(AX_CLOUD_YAML).operations.map((op) => ({ ...op, document: 'ax-cloud' as const })),
      ...readDocument(SIMULATOR_YAML).operations.map((op) => ({ ...op, document: 'simulator' as const })),
    ];
    cache = { operations, match: pathMatcher(operations) };
  }
  return cache;
}

/** Every operation of openapi/ax-cloud.yaml, then of openapi/simulator.yaml. */
export function contractOperations(): ContractOperation[] {
  return read().operations;
}

/** The operationIds of the vendor contract (openapi/ax-cloud.yaml), in document order. */
export function axCloudOperationIds(): string[] {
  return contractOperations()
    .filter((op) => op.document === 'ax-cloud')
    .map((op) => op.operationId);
}

export function operationById(operationId: string): ContractOperation | undefined {
  return contractOperations().find((op) => op.operationId === operationId);
}

/** The operation a raw request (method + path, query ignored) addresses, if any. */
export function operationForRequest(method: string, path: string): ContractOperation | undefined {
  return read().match(method, path);
}
