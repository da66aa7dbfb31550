// The bridge as a child process: spawned with execa, its output kept (the
// tail explains a crash), and always ended: on close, on failure, and when the
// host itself exits or is interrupted (no simulator outlives its host).
import { rmSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { onExit } from 'signal-exit';
import { stderrReportCatcher } from '../build/sanitizer-reports.js';

export interface BridgeExit {
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface SpawnOptions {
  endpoint: string;
  /**
   * The endpoint is this process's own (a fresh name): its socket file is
   * removed when the process ends, however it ends. A caller's endpoint is
   * left alone — a bridge refused it because another simulator listens there.
   */
  ownsEndpoint: boolean;
  seed: number;
  spinUs?: number;
  maxWallMs?: number;
  /** Called with each line the simulator prints (the design's $display output among them). */
  onLine?: (line: string) => void;
}

const OUTPUT_TAIL_LINES = 40;
const live = new Set<BridgeProcess>();

function killAll(): void {
  for (const child of live) child.killNow();
}

// Synchronous on purpose: exit handlers cannot await.
onExit(killAll);
// A test worker whose runner vanished (its IPC channel closed) may linger;
// its simulators must not.
if (process.connected) process.once('disconnect', killAll);

export class BridgeProcess {
  readonly exited: Promise<BridgeExit>;
  private readonly child: ResultPromise;
  private readonly tail: string[] = [];
  private ended = false;

  private constructor(
    readonly executable: string,
    readonly endpoint: string,
    private readonly options: SpawnOptions,
  ) {
    const args = ['--endpoint', endpoint, '--seed', String(options.seed)];
    if (options.spinUs !== undefined) args.push('--spin-us', String(options.spinUs));
    if (options.maxWallMs !== undefined) args.push('--max-wall-ms', String(options.maxWallMs));
    this.child = execa(executable, args, {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
      // The bridge polls briefly after each reply; give it its own name in ps.
      argv0: 'mirrorsim-bridge',
    });
    const catchReport = stderrReportCatcher(this.child.pid);
    const onLine = catchReport ? (line: string) => (catchReport(line), options.onLine?.(line)) : options.onLine;
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      let partial = '';
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.keep(line, onLine);
      });
      stream?.on('end', () => {
        if (partial) this.keep(partial, onLine);
      });
    }
    live.add(this);
    this.exited = this.child.then((result) => {
      this.ended = true;
      live.delete(this);
      this.removeSocketFile();
      return {
        exitCode: result.exitCode,
        signal: result.signal,
      };
    });
  }

  static spawn(executable: string, options: SpawnOptions): BridgeProcess {
    return new BridgeProcess(executable, options.endpoint, options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** The last lines the simulator printed, oldest first. */
  outputTail(): string[] {
    return [...this.tail];
  }

  /** Ends the process: SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
  async kill(graceMs = 1000): Promise<BridgeExit> {
    if (!this.ended) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }

  /** Used from exit handlers, where nothing can be awaited. */
  killNow(): void {
    if (!this.ended) this.child.kill('SIGKILL');
    this.removeSocketFile();
  }

  private keep(line: string, onLine: ((line: string) => void) | undefined): void {
    this.tail.push(line);
    if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
    onLine?.(line);
  }

  private removeSocketFile(): void {
    if (this.options.ownsEndpoint && this.endpoint.startsWith('ipc://')) rmSync(this.endpoint.slice('ipc://'.length), { force: true });
  }
}

/** Processes still running (a test checks the suite leaves none). */
export function liveBridgeCount(): number {
  return live.size;
}
