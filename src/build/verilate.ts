// Builds a design into a simulator executable with Verilator, once: the
// build directory is named after a hash of everything that goes into it
// (sources, bridge code, flags, Verilator's version), so an unchanged design
// is never rebuilt and a changed one always is. A lock directory keeps
// parallel test workers from building the same model twice.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { BuildError, MissingToolError } from '../errors.js';
import { absoluteSources, type Design } from './design.js';
import { haltOnSanitizerFindings, sanitizeRequested } from './sanitizer-reports.js';
import { bridgeDir, buildDir, modelsDir, repoRoot } from './paths.js';

export const APT_PACKAGES = 'verilator libzmq3-dev cppzmq-dev nlohmann-json3-dev zlib1g-dev ccache gtkwave lcov chromium xvfb xauth';

/** What the model is linked with: the bridge (default) or another C++ main, for benchmarks. */
export interface Harness {
  name: string;
  sources: readonly string[];
  cflags: readonly string[];
  ldflags: readonly string[];
  executable: string;
}

export interface BuildOptions {
  /** Build with Verilator's code coverage (`--coverage`). */
  coverage?: boolean;
  harness?: Harness;
  /** A build variant (make bench-verilator measures them): its own cache entry. */
  tuning?: BuildTuning;
  /** Called with progress lines ("building …"). */
  log?: (line: string) => void;
}

/** Verilator and C++ compiler options beyond the defaults, for measuring what pays off. */
export interface BuildTuning {
  /** Short name, part of the build directory's name. */
  name: string;
  /** Replaces the C++ optimisation level (default `-O2`). */
  cxxOpt?: string;
  /** More C++ flags (e.g. `-fno-stack-protector`). */
  cxxFlags?: readonly string[];
  /** More Verilator options (e.g. `--x-assign`, `fast`, or `--threads`, `2`). */
  verilatorFlags?: readonly string[];
  /** More linker flags (e.g. a sanitizer's runtime). */
  ldFlags?: readonly string[];
}

/**
 * `make test SANITIZE=1` (MIRRORSIM_SANITIZE=1): every model and the bridge
 * built with AddressSanitizer (and LeakSanitizer) and UBSan, stopping at the
 * first finding; the run's reports go where ASAN_OPTIONS/UBSAN_OPTIONS say.
 */
export const SANITIZER_TUNING: BuildTuning = {
  name: 'sanitize',
  cxxOpt: '-O1',
  // UBSan's checks are recoverable only so that bridge/ubsan-suppressions.txt
  // can accept what Verilator's bundled FST writer does on purpose:
  // halt_on_error=1 (sanitizer-reports.ts) still stops at any other finding.
  // ASan's never recover.
  cxxFlags: ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-fno-sanitize-recover=all', '-fsanitize-recover=undefined'],
  ldFlags: ['-fsanitize=address,undefined'],
};

/** The build variant asked for by the environment, when the caller names none. */
function environmentTuning(): BuildTuning | undefined {
  return sanitizeRequested() ? SANITIZER_TUNING : undefined;
}

export interface BuiltModel {
  executable: string;
  directory: string;
  /** True when this call built it; false when the cache had it. */
  built: boolean;
}

export function bridgeHarness(): Harness {
  const sources = readdirSync(bridgeDir)
    .filter((file) => file.endsWith('.cpp'))
    .sort()
    .map((file) => join(bridgeDir, file));
  return {
    name: 'bridge',
    sources,
    cflags: [`-I${bridgeDir}`, '-include', join(bridgeDir, 'print_hook.h'), '-DVL_USER_FINISH', '-DVL_USER_STOP', '-DVL_USER_FATAL'],
    ldflags: ['-lzmq'],
    executable: 'mirrorsim-bridge',
  };
}

let verilatorVersion: Promise<string> | undefined;

function findVerilator(): Promise<string> {
  verilatorVersion ??= execa('verilator', ['--version'], { reject: false }).then((result) => {
    if (result.exitCode !== 0) {
      throw new MissingToolError('verilator', `make deps (as root), or: apt-get install ${APT_PACKAGES}`);
    }
    return result.stdout.trim();
  });
  return verilatorVersion;
}

function verilatorArgs(design: Design, options: BuildOptions, harness: Harness, directory: string): string[] {
  const args = [
    '--cc', '--exe', '--build', '-j', '2',
    '--prefix', 'Vmodel',
    '--top-module', design.top,
    '--public-flat-rw',
    '--trace-fst',
    '-Wno-fatal',
    '-CFLAGS', ['-std=c++17', options.tuning?.cxxOpt ?? '-O2', ...(options.tuning?.cxxFlags ?? []), ...harness.cflags].join(' '),
    '-Mdir', directory,
    '-o', harness.executable,
  ];
  const ldflags = [...harness.ldflags, ...(options.tuning?.ldFlags ?? [])];
  if (ldflags.length > 0) args.push('-LDFLAGS', ldflags.join(' '));
  if (design.assertions !== false) args.push('--assert');
  if (options.coverage) args.push('--coverage');
  args.push(...(options.tuning?.verilatorFlags ?? []));
  for (const dir of design.includeDirs ?? []) args.push(`-I${join(repoRoot, dir)}`);
  for (const [name, value] of Object.entries(design.parameters ?? {})) args.push(`-G${name}=${value}`);
  return [...args, ...absoluteSources(design), ...harness.sources];
}

function buildKey(design: Design, args: readonly string[], harness: Harness, version: string): string {
  const hash = createHash('sha256');
  hash.update(version);
  hash.update(JSON.stringify(args.filter((arg) => !arg.startsWith(modelsDir))));
  const headers = harness.name === 'bridge'
    ? readdirSync(bridgeDir).filter((file) => file.endsWith('.h')).map((file) => join(bridgeDir, file))
    : [];
  for (const file of [...absoluteSources(design), ...harness.sources, ...headers].sort()) {
    hash.update(file);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Returns the simulator executable for `design`, building it if its sources changed. */
export async function ensureModel(design: Design, requested: BuildOptions = {}): Promise<BuiltModel> {
  const options = { ...requested, tuning: requested.tuning ?? environmentTuning() };
  if (options.tuning === SANITIZER_TUNING) haltOnSanitizerFindings();
  const version = await findVerilator();
  const harness = options.harness ?? bridgeHarness();
  const variant = `${design.name}-${harness.name}${options.coverage ? '-cov' : ''}${options.tuning ? `-${options.tuning.name}` : ''}`;
  const probeArgs = verilatorArgs(design, options, harness, '');
  const directory = join(modelsDir, `${variant}-${buildKey(design, probeArgs, harness, version)}`);
  const executable = join(directory, harness.executable);
  const stamp = join(directory, '.built');
  if (existsSync(stamp)) return { executable, directory, built: false };

  mkdirSync(modelsDir, { recursive: true });
  const release = await acquireLock(`${directory}.lock`);
  try {
    if (existsSync(stamp)) return { executable, directory, built: false };
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    options.log?.(`mirrorsim: building ${variant} (Verilator, about a minute on 2 cores) in ${directory}`);
    const logFile = join(directory, 'build.log');
    const result = await execa('verilator', verilatorArgs(design, options, harness, directory), {
      all: true,
      reject: false,
      cwd: repoRoot,
      env: await compilerCacheEnv(),
    });
    writeFileSync(logFile, result.all ?? '');
    if (result.exitCode !== 0 || !existsSync(executable)) {
      const tail = (result.all ?? '').split('\n').filter((line) => /error|Error/.test(line)).slice(-12);
      throw new BuildError(variant, result.exitCode, logFile, tail.length > 0 ? tail : (result.all ?? '').split('\n').slice(-12));
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
    return { executable, directory, built: true };
  } finally {
    release();
  }
}

/**
 * ccache in front of the C++ compiler when it is installed: the bridge's
 * sources and the unchanged parts of a design (a mutant differs from the
 * design in one module) are compiled once for every build that shares them.
 */
async function compilerCacheEnv(): Promise<Record<string, string>> {
  const found = await execa('ccache', ['--version'], { reject: false }).catch(() => undefined);
  if (!found || found.exitCode !== 0) return {};
  return { OBJCACHE: 'ccache', CCACHE_DIR: join(buildDir, 'ccache'), CCACHE_BASEDIR: repoRoot, CCACHE_NOHASHDIR: '1', CCACHE_MAXSIZE: '2G' };
}

async function acquireLock(lockDir: string, timeoutMs = 20 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockHolderIsGone(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`mirrorsim: timed out waiting for the build lock ${lockDir}`);
    await sleep(250);
  }
}

function lockHolderIsGone(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
  } catch {
    return false; // the holder has not written its pid yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
