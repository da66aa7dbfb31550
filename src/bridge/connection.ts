// The host end of the wire protocol (docs/protocol.md): one REQ socket, one
// request at a time, every request bounded by a timeout.
import { Request } from 'zeromq';
import { BridgeError } from '../errors.js';

export interface BridgeErrorBody {
  code: string;
  message: string;
  [field: string]: unknown;
}

export interface BridgeReply {
  id?: unknown;
  ok: boolean;
  error?: BridgeErrorBody;
  [field: string]: unknown;
}

export interface ConnectionOptions {
  /** Default bound on every request, in milliseconds. */
  timeoutMs: number;
  /** Builds (and acts on) the error for a request that timed out: the simulator kills its process here. */
  onTimeout: (command: string, timeoutMs: number) => Error;
  /** Microseconds to look for a reply before yielding to the event loop (default 100; 0: never). */
  spinUs?: number;
}

/** Commands that only read (or, stream_pull, take what the monitor holds): safe to send together in one batch. */
const COALESCED_READS = new Set(['read', 'read_many', 'read_mem', 'stream_pull']);

interface QueuedRead {
  cmd: string;
  args: Record<string, unknown>;
  timeoutMs: number;
  resolve(reply: BridgeReply): void;
  reject(error: unknown): void;
}

export class BridgeConnection {
  private readonly socket = new Request({ linger: 0, sendHighWaterMark: 0 });
  private tail: Promise<unknown> = Promise.resolve();
  private readonly queuedReads: QueuedRead[] = [];
  private nextId = 1;
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  /**
   * Fails the exchange under way (the connection failed). One per exchange,
   * not one promise for the connection's life: racing every exchange
   * against a long-lived promise would leave a reaction, and the reply it
   * carried, on that promise per round trip.
   */
  private abortExchange: ((error: Error) => void) | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogAt = 0;
  private deadline = Infinity;
  private deadlineMs = 0;
  /** How long to look for a reply before waiting for the event loop to deliver it (ms). */
  private readonly spinMs: number;
  /** Requests exchanged and the wall time spent waiting for their replies (the transport and the bridge). */
  readonly stats = { requests: 0, waitMs: 0, codecMs: 0, byCommand: new Map<string, number>() };
  /** The command being exchanged now, for error messages. */
  current: string | undefined;
  /** Requests exchanged with the bridge so far (a batch is one): what the host's speed is paid in. */
  get roundTrips(): number {
    return this.stats.requests;
  }

  constructor(
    readonly endpoint: string,
    private readonly options: ConnectionOptions,
  ) {
    this.spinMs = (options.spinUs ?? 100) / 1000;
    this.socket.connect(endpoint);
  }

  /** Requests sent or queued and not yet answered (the scheduler waits for zero before it runs the simulation). */
  get inFlight(): number {
    return this.pending + this.queuedReads.length;
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends one command and returns its reply; throws BridgeError when the bridge answers with an error. */
  async request(cmd: string, args: Record<string, unknown> = {}, timeoutMs = this.options.timeoutMs): Promise<BridgeReply> {
    if (COALESCED_READS.has(cmd)) return this.coalescedRead(cmd, args, timeoutMs);
    const id = this.nextId++;
    const reply = await this.enqueue(this.encode({ id, cmd, ...args }), cmd, timeoutMs);
    if (!reply.ok) throw toBridgeError(cmd, reply.error);
    return reply;
  }

  /**
   * Reads asked for in the same turn of the event loop (a scoreboard's
   * Promise.all over a node's tables, say) travel as one batch: one round
   * trip instead of one each. They are answered in order, and a failing one
   * fails alone: the ones after it are sent again.
   */
  private coalescedRead(cmd: string, args: Record<string, unknown>, timeoutMs: number): Promise<BridgeReply> {
    return new Promise((resolve, reject) => {
      this.queuedReads.push({ cmd, args, timeoutMs, resolve, reject });
      if (this.queuedReads.length === 1) queueMicrotask(() => this.sendQueuedReads());
    });
  }

  private sendQueuedReads(): void {
    const reads = this.queuedReads.splice(0);
    if (reads.length === 0) return;
    if (reads.length === 1) {
      const [read] = reads as [QueuedRead];
      const frame = this.encode({ id: this.nextId++, cmd: read.cmd, ...read.args });
      this.enqueue(frame, read.cmd, read.timeoutMs).then(
        (reply) => (reply.ok ? read.resolve(reply) : read.reject(toBridgeError(read.cmd, reply.error))),
        read.reject,
      );
      return;
    }
    const cmds = reads.map((read) => ({ cmd: read.cmd, ...read.args }));
    const timeoutMs = Math.max(...reads.map((read) => read.timeoutMs));
    const frame = this.encode({ id: this.nextId++, cmd: 'batch', cmds });
    this.enqueue(frame, 'batch of reads', timeoutMs).then((reply) => {
      const results = (reply.results as BridgeReply[] | undefined) ?? [];
      const failedAt = reply.ok ? reads.length : typeof reply.error?.index === 'number' ? reply.error.index : 0;
      reads.forEach((read, index) => {
        if (index < failedAt) read.resolve(results[index] ?? { ok: true });
        else if (index === failedAt) {
          const { index: _index, ...body } = reply.error ?? ({ code: 'unknown', message: 'no message' } as BridgeErrorBody);
          read.reject(toBridgeError(read.cmd, body as BridgeErrorBody));
        } else this.coalescedRead(read.cmd, read.args, read.timeoutMs).then(read.resolve, read.reject);
      });
    }, (error: unknown) => reads.forEach((read) => read.reject(error)));
  }

  /** A request as its frame; the time it takes counts as the host's encoding. */
  private encode(request: Record<string, unknown>): string {
    const started = performance.now();
    const frame = JSON.stringify(request);
    this.stats.codecMs += performance.now() - started;
    return frame;
  }

  /** Sends raw bytes (for protocol tests) and returns the parsed reply, whatever it says. */
  requestRaw(frame: string | Buffer, timeoutMs = this.options.timeoutMs): Promise<BridgeReply> {
    return this.enqueue(frame, '(raw frame)', timeoutMs);
  }

  /** Fails the request in flight and every later one with `error` (the process died, or timed out). */
  fail(error: Error): void {
    this.failure ??= error;
    this.abortExchange?.(this.failure);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Ends the connection; later requests fail with `reason`. */
  close(reason: Error = new Error('connection closed')): void {
    this.fail(reason);
    this.socket.close();
  }

  private enqueue(frame: string | Buffer, command: string, timeoutMs: number): Promise<BridgeReply> {
    this.pending++;
    const exchange = this.tail.then(() => this.exchange(frame, command, timeoutMs));
    this.tail = exchange.catch(() => undefined);
    return exchange.finally(() => {
      this.pending--;
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
  }

  private async exchange(frame: string | Buffer, command: string, timeoutMs: number): Promise<BridgeReply> {
    if (this.failure) throw this.failure;
    this.current = command;
    this.deadline = performance.now() + timeoutMs;
    this.deadlineMs = timeoutMs;
    this.armWatchdog();
    const started = performance.now();
    let received: number | undefined;
    const aborted = new Promise<never>((_, reject) => (this.abortExchange = reject));
    aborted.catch(() => undefined);
    try {
      await Promise.race([this.socket.send(frame), aborted]);
      // The bridge usually answers within a round trip: looking for the reply
      // for a moment saves the event loop's wake-up, which costs about as
      // much as the bridge's own work. Nothing else can run meanwhile anyway:
      // a REQ socket has one request in flight.
      const spinUntil = performance.now() + this.spinMs;
      while (!this.socket.readable && performance.now() < spinUntil);
      const [reply] = await Promise.race([this.socket.receive(), aborted]);
      received = performance.now();
      const parsed = parseReply(reply, command);
      this.stats.codecMs += performance.now() - received;
      return parsed;
    } finally {
      this.stats.requests++;
      this.stats.byCommand.set(command, (this.stats.byCommand.get(command) ?? 0) + 1);
      // The wait ends when the reply arrives; decoding it is the host's work.
      this.stats.waitMs += (received ?? performance.now()) - started;
      this.deadline = Infinity;
      this.current = undefined;
      this.abortExchange = undefined;
    }
  }

  /**
   * One timer for the connection's life, not one per request: it wakes at
   * the current request's deadline and fails it if it is still unanswered.
   */
  private armWatchdog(): void {
    // A timer set for a longer request's deadline would wake too late for this one.
    if (this.watchdog && this.watchdogAt <= this.deadline) return;
    if (this.watchdog) clearTimeout(this.watchdog);
    const delay = Math.max(1, Math.min(this.deadline - performance.now(), this.deadlineMs));
    this.watchdogAt = performance.now() + delay;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      if (this.deadline === Infinity || this.failure) return;
      const late = performance.now() - this.deadline;
      if (late >= 0) {
        this.fail(this.options.onTimeout(this.current ?? '(unknown)', this.deadlineMs));
        return;
      }
      this.armWatchdog();
    }, delay);
    this.watchdog.unref();
  }
}

function parseReply(frame: Buffer | undefined, command: string): BridgeReply {
  const text = frame?.toString('utf8') ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BridgeError('bad_reply', `bridge sent a reply that is not JSON: ${text.slice(0, 200)}`, command);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as BridgeReply).ok !== 'boolean') {
    throw new BridgeError('bad_reply', `bridge sent a reply without 'ok': ${text.slice(0, 200)}`, command);
  }
  return parsed as BridgeReply;
}

export function toBridgeError(command: string, body: BridgeErrorBody | undefined): BridgeError {
  const { code = 'unknown', message = 'no message', ...details } = body ?? ({} as BridgeErrorBody);
  return new BridgeError(code, message, command, details);
}
