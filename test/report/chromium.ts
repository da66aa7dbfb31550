// Headless Debian Chromium, to read a report as a person's browser renders
// it: the DOM after parsing (--dump-dom) and a screenshot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { MissingToolError } from '../../src/errors.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The closed network refuses Chromium's background connections; these keep it quiet and fast.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];

async function chromium(args: readonly string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'mirrorsim-chromium-'));
  try {
    const result = await execa(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, ...args], { reject: false, timeout: 60_000 }).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new MissingToolError('chromium', 'make deps (as root), or: apt-get install chromium') : error;
    });
    if (result.exitCode !== 0) throw new Error(`chromium ${args.join(' ')} exited ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.slice(-2000)}`);
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The document as Chromium parsed it. */
export function dumpDom(file: string): Promise<string> {
  return chromium(['--dump-dom', pathToFileURL(file).href]);
}

export async function screenshot(file: string, png: string, size = '1280,2400'): Promise<void> {
  await chromium([`--screenshot=${png}`, `--window-size=${size}`, pathToFileURL(file).href]);
}
