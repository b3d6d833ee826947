import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the package reads at run time (openapi/*.yaml, package.json) sit at its root. A module runs from
 * its source in a checkout (`server/…`) and from `dist/server/…` once built, so the root is found by
 * walking up to the nearest package.json rather than by a fixed number of `..`.
 */
export const PACKAGE_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/** The absolute path of a file of the package, from its root (`packageFile('openapi', 'ax-cloud.yaml')`). */
export function packageFile(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
