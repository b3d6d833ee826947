import type { FastifyInstance } from 'fastify';
import { tooDeep } from '../domain/errors.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's text as received, for the request journal (which keeps at most its beginning). */
    bodyText?: string;
  }
}

/**
 * Request bodies as the vendor takes them: JSON only (other content types get 415, not a string
 * body), parsed by Fastify's own parser (prototype poisoning refused), with a nesting limit checked
 * before anything walks the body recursively.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  const parseJsonBody = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJsonBody(request, body as string, (error, value) => {
      if (error) done(error, undefined);
      else if (nestedDeeperThan(value, MAX_JSON_DEPTH)) done(tooDeep(), undefined);
      else {
        request.bodyText = body as string;
        done(null, value);
      }
    });
  });
}
