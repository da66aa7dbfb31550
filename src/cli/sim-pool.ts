// `make sim JOBS=n`: the seeds run in n worker processes at once (each with
// its own simulator), and each seed's output is printed whole, in seed
// order, as soon as every seed before it has finished — so the terminal,
// the summary and the reports read as a serial run's. JOBS=1 runs the seeds
// in this process, printing as they go.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execaNode, type ResultPromise } from 'execa';
import { SeedWorkerError } from '../errors.js';
import { errorRecord, runSeed, type SeedJob, type SeedOutcome } from './sim-seed.js';

const WORKER = fileURLToPath(new URL('./sim-worker.js', import.meta.url));
const STDERR_TAIL_LINES = 20;

interface WorkerReply {
  outcome: SeedOutcome;
  lines: string[];
}

type Worker = ResultPromise<{ ipc: true; serialization: 'advanced'; reject: false }>;

function startWorker(): Worker {
  return execaNode(WORKER, [], {
    ipc: true,
    serialization: 'advanced',
    reject: false,
    stdin: 'ignore',
    // A worker's stray output (a build log, a warning) would interleave: keep it, print it with a crash.
    stdout: 'pipe',
    stderr: 'pipe',
    cleanup: true,
  }) as Worker;
}

/** A worker that died while it ran `job`: what it says about how. */
async function deathOf(worker: Worker, job: SeedJob): Promise<SeedWorkerError> {
  worker.kill('SIGKILL');
  const ended = await worker;
  const tail = String(ended.stderr ?? '').split('\n').filter(Boolean).slice(-STDERR_TAIL_LINES).join('\n');
  return new SeedWorkerError(job.seed, job.scenario, ended.exitCode, ended.signal, tail);
}

/** Prints outcomes in position order: a seed's output waits for every seed before it. */
function orderedPrinter(count: number, print: (line: string) => void) {
  const ready: (string[] | undefined)[] = new Array(count);
  let next = 0;
  return (slot: number, lines: string[]) => {
    ready[slot] = lines;
    while (next < count && ready[next]) {
      for (const line of ready[next]!) print(line);
      ready[next] = undefined;
      next++;
    }
  };
}

/**
 * Runs `jobs` on `parallel` worker processes (in this process when 1) and
 * returns their outcomes in the order of `jobs`. A worker that dies makes
 * its seed a failed one (SeedWorkerError) and is replaced; the rest go on.
 */
export async function runSeeds(
  jobs: readonly SeedJob[],
  parallel: number,
  print: (line: string) => void,
  /** Told of each seed as it ends (in the order they end): a campaign records it at once. */
  onOutcome: (outcome: SeedOutcome, job: SeedJob) => void = () => undefined,
): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = new Array(jobs.length);
  if (parallel <= 1 || jobs.length <= 1) {
    for (const [slot, job] of jobs.entries()) {
      outcomes[slot] = await runSeed(job, print);
      onOutcome(outcomes[slot], job);
    }
    return outcomes;
  }
  if (!existsSync(WORKER)) throw new Error(`make sim: the worker script ${WORKER} is missing (run the TypeScript build: make sim builds it)`);
  const printInOrder = orderedPrinter(jobs.length, print);
  let taken = 0;
  const drive = async () => {
    let worker = startWorker();
    try {
      while (taken < jobs.length) {
        const slot = taken++;
        const job = jobs[slot]!;
        let reply: WorkerReply;
        try {
          await worker.sendMessage(job as never);
          reply = (await worker.getOneMessage()) as unknown as WorkerReply;
        } catch {
          const error = await deathOf(worker, job);
          const record = errorRecord(job, error);
          reply = { outcome: { record, time: undefined, coverage: undefined }, lines: [`FAIL  ${job.scenario.padEnd(15)} seed=${job.seed}: ${error.message}`, `  replay: ${job.replay}`] };
          worker = startWorker();
        }
        outcomes[slot] = reply.outcome;
        onOutcome(reply.outcome, job);
        printInOrder(slot, reply.lines);
      }
    } finally {
      // Already gone when its channel closed with it.
      if (worker.connected) worker.disconnect();
      await worker;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, drive));
  return outcomes;
}
