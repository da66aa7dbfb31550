// Finds simulator processes that outlived their host. Every bridge inherits
// MIRRORSIM_RUN_TAG from the host that started it, so a run can look for its
// own leftovers in /proc without touching anyone else's processes.
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_TAG_VARIABLE = 'MIRRORSIM_RUN_TAG';

/** Pids of live processes (other than this one) whose environment holds `tag`; with `command`, only those whose command line contains it. */
export function processesTagged(tag: string, command?: string): number[] {
  const needle = `${RUN_TAG_VARIABLE}=${tag}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    let stat: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // gone, or not ours
    }
    // A zombie has already exited; its parent just has not reaped it yet.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z') continue;
    if (!environ.split('\0').includes(needle)) continue;
    if (command !== undefined && !readCommandLine(pid).includes(command)) continue;
    found.push(pid);
  }
  return found;
}

function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Names of those processes, for error messages. */
export function describeProcesses(pids: readonly number[]): string {
  return pids
    .map((pid) => `${pid} (${readCommandLine(pid)})`)
    .join(', ');
}
