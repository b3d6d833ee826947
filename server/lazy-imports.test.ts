import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCatalog, writeCatalogFile } from '../fixtures/catalog.ts';

/**
 * What a fresh process loads: serving a given catalogue never loads the generator's faker (hundreds of
 * locale modules), and the CLI loads the contract suite only for `ax-sim contract`.
 */
const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-lazy-'));
const fixtures = path.join(dir, 'catalog.json');

beforeAll(() => {
  writeCatalogFile(generateCatalog({ seed: 3, tours: 2, dayTickets: 2 }), fixtures);
  // Records every module the process resolves, one URL a line, in the file it is given.
  writeFileSync(
    path.join(dir, 'record.mjs'),
    `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(out, result.url + '\\n');
  return result;
}`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` (a module's text; `src(p)` imports a source file) in a new Node process: what it resolved. */
function resolvedBy(name: string, body: string): string[] {
  const out = path.join(dir, `${name}.txt`);
  const script = path.join(dir, `${name}.mjs`);
  writeFileSync(
    script,
    `import { register } from 'node:module';
import { register as registerTsx } from ${JSON.stringify(pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/api/index.mjs')).href)};
registerTsx();
register(${JSON.stringify(pathToFileURL(path.join(dir, 'record.mjs')).href)}, { data: { out: ${JSON.stringify(out)} } });
const src = (p) => import(${JSON.stringify(pathToFileURL(root).href)} + '/' + p);
${body}`,
  );
  execFileSync(process.execPath, [script], { cwd: root, stdio: 'pipe' });
  return existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
}

const faker = (urls: string[]) => urls.filter((u) => u.includes('@faker-js'));

describe('lazy imports', () => {
  it('a simulator built from a fixture file or a catalogue never loads faker', () => {
    const urls = resolvedBy(
      'fixtures',
      `const { buildSimulator } = await src('server/app.ts');
const { loadCatalogFile } = await src('fixtures/catalog-file.ts');
const fromFile = await buildSimulator({ fixtures: ${JSON.stringify(fixtures)} });
const fromCatalog = await buildSimulator({ catalog: loadCatalogFile(${JSON.stringify(fixtures)}) });
const answer = await fromCatalog.inject({ url: '/v1/channel/products/tour', headers: { authorization: 'Token demo-key' } });
if (answer.statusCode !== 200) throw new Error('no answer: ' + answer.statusCode);
await fromFile.close();
await fromCatalog.close();`,
    );
    expect(urls.some((u) => u.endsWith('server/app.ts'))).toBe(true);
    expect(faker(urls)).toEqual([]);
  });

  it('a simulator that generates its catalogue does load faker (the check above can see it)', () => {
    const urls = resolvedBy(
      'generated',
      `const { buildSimulator } = await src('server/app.ts');
await (await buildSimulator({ seed: 3, tours: 2, dayTickets: 2 })).close();`,
    );
    expect(faker(urls).length).toBeGreaterThan(0);
  });

  it('the CLI loads neither faker nor the contract suite until a command needs them', () => {
    const urls = resolvedBy('cli', `await src('server/cli.ts');`);
    expect(urls.some((u) => u.endsWith('server/cli.ts'))).toBe(true);
    expect(faker(urls)).toEqual([]);
    expect(urls.filter((u) => u.includes('contract-tests/') || u.includes('/vitest/'))).toEqual([]);
  });
});
