import {
  AX_CLOUD_DOCUMENT,
  allOperations,
  type DocumentOperation,
  pathMatcher,
  SIMULATOR_DOCUMENT,
} from '../../openapi/document.ts';

/**
 * The operations of the two OpenAPI documents as the document reader gives them (`openapi/document.ts`,
 * which imports nothing of the simulator): method, path, deprecated alias routes, and the JSON Schema of
 * every documented response. The contract suite compiles its own validators from them (validator.ts).
 */

export const AX_CLOUD_YAML = AX_CLOUD_DOCUMENT;
export const SIMULATOR_YAML = SIMULATOR_DOCUMENT;

export type ContractOperation = DocumentOperation;

/** Every operation of openapi/ax-cloud.yaml, then of openapi/simulator.yaml. */
export function contractOperations(): readonly ContractOperation[] {
  return allOperations();
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

let match: ((method: string, path: string) => ContractOperation | undefined) | undefined;

/** The operation a raw request (method + path, query ignored) addresses, if any. */
export function operationForRequest(method: string, path: string): ContractOperation | undefined {
  match ??= pathMatcher(contractOperations());
  return match(method, path);
}
