// Where things are: the repository root is found from this file, so the host
// works the same from sources (vitest) and from compiled output.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bridge'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mirrorsim: cannot find the repository root (package.json next to bridge/)');
    dir = parent;
  }
}

export const repoRoot = findRoot();
export const bridgeDir = join(repoRoot, 'bridge');
export const buildDir = resolve(process.env.MIRRORSIM_BUILD_DIR ?? join(repoRoot, 'build'));
export const modelsDir = join(buildDir, 'models');
export const wavesDir = join(buildDir, 'waves');
export const coverageDir = join(buildDir, 'coverage');
