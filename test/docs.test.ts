import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildSimulator } from '../server/app.ts';

/** The served documents and CORS, through inject (the browser test drives the same through chromium). */

type Doc = {
  servers: Array<{ url: string }>;
  components: { securitySchemes: Record<string, { description: string }> };
};

describe('served documents', () => {
  it('list the address serving them first, then the vendor test server; never production', async () => {
    const app = await buildSimulator();
    try {
      for (const [url, parseBody] of [
        ['/openapi.json', JSON.parse],
        ['/openapi.yaml', parse],
        ['/docs/json', JSON.parse],
      ] as Array<[string, (text: string) => unknown]>) {
        for (const host of ['127.0.0.1:5123', 'localhost:4999', '[::1]:4010']) {
          const response = await app.inject({ url, headers: { host } });
          expect(response.statusCode).toBe(200);
          const doc = parseBody(response.body) as Doc;
          expect(doc.servers.map((s) => s.url)).toEqual([`http://${host}`, 'https://test.ax-cloud.com']);
          expect(response.body).not.toContain('prod.ax-cloud.com');
          expect(doc.components.securitySchemes.Token!.description).toMatch(
            /^\*\*Value: `Token demo-key`\*\*/,
          );
        }
      }
      const control = JSON.parse(
        (await app.inject({ url: '/openapi/simulator.json', headers: { host: 'h:1' } })).body,
      ) as Doc;
      expect(control.servers.map((s) => s.url)).toEqual(['http://h:1']);
      const yaml = (await app.inject({ url: '/openapi.yaml' })).body;
      // The YAML as written otherwise: comments kept.
      expect(yaml).toContain('operationId: createTourOrder');
      expect(yaml).toMatch(/^#/m);
      // A Host header that is not a host name is not echoed.
      const odd = JSON.parse(
        (await app.inject({ url: '/openapi.json', headers: { host: 'x"><script>' } })).body,
      ) as Doc;
      expect(odd.servers[0]!.url).not.toContain('script');
    } finally {
      await app.close();
    }
  });

  it('the docs UI offers both documents', async () => {
    const app = await buildSimulator();
    try {
      const script = (await app.inject({ url: '/docs/static/swagger-initializer.js' })).body;
      expect(script).toContain('/openapi.json');
      expect(script).toContain('/openapi/simulator.json');
    } finally {
      await app.close();
    }
  });
});

describe('CORS', () => {
  const preflight = {
    method: 'OPTIONS' as const,
    url: '/v1/channel/orders/tour',
    headers: {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,channel,content-type',
    },
  };

  it('is on by default: preflight answered, headers on answers and on errors', async () => {
    const app = await buildSimulator();
    try {
      const answer = await app.inject(preflight);
      expect(answer.statusCode).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(String(answer.headers['access-control-allow-methods'])).toContain('PATCH');
      expect(answer.headers['access-control-allow-headers']).toBe('authorization,channel,content-type');
      for (const url of ['/v1/channel/products/tour', '/__sim/clock', '/__sim/health']) {
        const response = await app.inject({ url, headers: { origin: 'http://localhost:3000' } });
        expect(response.headers['access-control-allow-origin'], url).toBe('*');
      }
      const control = await app.inject({ ...preflight, url: '/__sim/clock/advance' });
      expect(control.statusCode).toBe(204);
    } finally {
      await app.close();
    }
  });

  it('cors: false (--no-cors) sends none and leaves OPTIONS unanswered', async () => {
    const app = await buildSimulator({ cors: false });
    try {
      const answer = await app.inject(preflight);
      expect(answer.statusCode).toBe(404);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      const response = await app.inject({ url: '/__sim/health', headers: { origin: 'http://x' } });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
