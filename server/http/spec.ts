import {
  AX_CLOUD_DOCUMENT,
  type Json,
  type Operation,
  type Parameter,
  readDocument,
  SIMULATOR_DOCUMENT,
} from '../../openapi/document.ts';

/**
 * What route registration needs from an OpenAPI document: the operations as the document reader gives
 * them (`openapi/document.ts`), each with Fastify's request schemas for params, query and body. Everything
 * the simulator validates comes from here, so the document stays the single source of truth.
 */

export const AX_CLOUD_SPEC = AX_CLOUD_DOCUMENT;
export const SIMULATOR_SPEC = SIMULATOR_DOCUMENT;

export interface OperationSpec extends Operation {
  params?: Json;
  querystring?: Json;
  body?: Json;
  bodyRequired: boolean;
}

export interface LoadedSpec {
  /** The document as written (serve it as is). */
  document: Json;
  operations: OperationSpec[];
}

export function loadSpec(file: string): LoadedSpec {
  const { document, operations } = readDocument(file);
  return {
    document,
    operations: operations.map((op) => ({
      ...op,
      params: objectSchema(op.parameters.filter((p) => p.in === 'path')),
      querystring: objectSchema(op.parameters.filter((p) => p.in === 'query')),
      body: op.requestBody?.schema,
      bodyRequired: op.requestBody?.required === true,
    })),
  };
}

/** Parameters as the one object schema Fastify validates `request.params` or `request.query` with. */
function objectSchema(parameters: Parameter[]): Json | undefined {
  if (parameters.length === 0) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}
