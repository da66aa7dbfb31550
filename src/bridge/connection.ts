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
}

export class BridgeConnection {
  private readonly socket = new Request({ linger: 0, sendHighWaterMark: 0 });
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  private abortCurrent: ((error: Error) => void) | undefined;
  /** The command being exchanged now, for error messages. */
  current: string | undefined;
  /** Requests exchanged with the bridge so far (a batch is one): what the host's speed is paid in. */
  roundTrips = 0;

  constructor(
    readonly endpoint: string,
    private readonly options: ConnectionOptions,
  ) {
    this.socket.connect(endpoint);
  }

  /** Requests sent and not yet answered (the scheduler waits for zero before it runs the simulation). */
  get inFlight(): number {
    return this.pending;
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends one command and returns its reply; throws BridgeError when the bridge answers with an error. */
  async request(cmd: string, args: Record<string, unknown> = {}, timeoutMs = this.options.timeoutMs): Promise<BridgeReply> {
    const id = this.nextId++;
    const reply = await this.enqueue(JSON.stringify({ id, cmd, ...args }), cmd, timeoutMs);
    if (!reply.ok) throw toBridgeError(cmd, reply.error);
    return reply;
  }

  /** Sends raw bytes (for protocol tests) and returns the parsed reply, whatever it says. */
  requestRaw(frame: string | Buffer, timeoutMs = this.options.timeoutMs): Promise<BridgeReply> {
    return this.enqueue(frame, '(raw frame)', timeoutMs);
  }

  /** Fails the request in flight and every later one with `error` (the process died, or timed out). */
  fail(error: Error): void {
    this.failure ??= error;
    this.abortCurrent?.(this.failure);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  close(): void {
    this.fail(new Error('connection closed'));
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
    this.roundTrips++;
    let timer: NodeJS.Timeout | undefined;
    const aborted = new Promise<never>((_, reject) => {
      this.abortCurrent = reject;
      timer = setTimeout(() => {
        const error = this.options.onTimeout(command, timeoutMs);
        this.fail(error);
      }, timeoutMs);
    });
    this.current = command;
    try {
      await Promise.race([this.socket.send(frame), aborted]);
      const [reply] = await Promise.race([this.socket.receive(), aborted]);
      return parseReply(reply, command);
    } finally {
      clearTimeout(timer);
      this.abortCurrent = undefined;
      this.current = undefined;
    }
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
