// Mutants: the RTL copied to build/mutants/<name>/ with one patch from this
// folder applied, so the design itself never carries a bug hook.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Design } from '../../src/build/design.js';
import { repoRoot } from '../../src/build/paths.js';
import { mirrorDesign } from '../../src/mirror/design.js';

const patchesDir = join(repoRoot, 'test', 'mutants');

/** The mirrored memory system with `test/mutants/<name>.patch` applied to a copy of rtl/. */
export function mutantDesign(name: string): Design {
  const root = join(repoRoot, 'build', 'mutants', name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(join(repoRoot, 'rtl'), join(root, 'rtl'), { recursive: true });
  const patch = join(patchesDir, `${name}.patch`);
  try {
    execFileSync('patch', ['-p1', '--forward', '--quiet', '-d', root, '-i', patch], { stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer; stderr?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`mutant ${name}: ${relative(repoRoot, patch)} does not apply to rtl/ any more (the RTL changed under it):\n${output}`);
  }
  const base = mirrorDesign();
  // Without the design's own assertions: the scoreboard alone has to catch the bug.
  return { ...base, name: `mutant-${name}`, assertions: false, sources: base.sources.map((source) => relative(repoRoot, join(root, source))) };
}
