// Handles by hierarchical name, as cocotb's `dut.sub.sig`: reads are round
// trips to the paused simulator; writes are queued and applied when the
// simulation next runs (last write in a time step wins), or at once with
// setImmediateValue.
import type { BridgeConnection } from '../bridge/connection.js';
import { InvalidValueError, UnknownSignalError, ValueTooWideError } from '../errors.js';
import type { Scheduler } from './scheduler.js';
import { closestNames } from './suggest.js';
import { WaitUntil, type WaitUntilOptions } from './triggers.js';
import { WaitUntilTimeoutError } from '../errors.js';
import { fitsWidth, fromWire, toBigInt, toWire, type ValueLike } from './values.js';

export type SignalKind = 'port' | 'signal' | 'memory' | 'parameter';

/** One entry of the bridge's `list`. */
export interface SignalInfo {
  name: string;
  width: number;
  kind: SignalKind;
  dir: 'in' | 'out' | 'inout' | null;
  writable: boolean;
  depth?: number;
  low?: number;
  high?: number;
}

/** What handles need from their simulator. */
export interface HandleContext {
  readonly connection: BridgeConnection;
  readonly scheduler: Scheduler;
  readonly top: string;
  readonly signalNames: readonly string[];
}

/** cocotb's write actions: `dut.x.value = Force(3)`. */
export class WriteAction {
  constructor(
    readonly mode: 'deposit' | 'force' | 'release',
    readonly value: ValueLike | undefined,
  ) {}
}
export const Deposit = (value: ValueLike): WriteAction => new WriteAction('deposit', value);
export const Force = (value: ValueLike): WriteAction => new WriteAction('force', value);
export const Release = (): WriteAction => new WriteAction('release', undefined);

export class SignalHandle {
  constructor(
    protected readonly context: HandleContext,
    readonly info: SignalInfo,
  ) {}

  get name(): string {
    return this.info.name;
  }

  get width(): number {
    return this.info.width;
  }

  get scheduler(): Scheduler {
    return this.context.scheduler;
  }

  /** The current value (a round trip): `await dut.count.value`. */
  get value(): Promise<bigint> {
    return this.read();
  }

  /** Queues a write for this time step: `dut.en.value = 1`, or `= Force(1)`, `= Release()`. */
  set value(value: ValueLike | WriteAction) {
    const action = value instanceof WriteAction ? value : new WriteAction('deposit', value);
    this.queue(action, undefined);
  }

  async read(): Promise<bigint> {
    const reply = await this.context.connection.request('read', { sig: this.name });
    return fromWire(reply.value, this.name);
  }

  async readNumber(): Promise<number> {
    const value = await this.read();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${this.name} = 0x${value.toString(16)} does not fit a number`);
    return Number(value);
  }

  deposit(value: ValueLike): void {
    this.queue(new WriteAction('deposit', value), undefined);
  }

  force(value: ValueLike): void {
    this.queue(new WriteAction('force', value), undefined);
  }

  release(): void {
    this.queue(new WriteAction('release', undefined), undefined);
  }

  /** Writes now, not at the next run (cocotb's setimmediatevalue); the design sees it at its next evaluation. */
  async setImmediateValue(value: ValueLike): Promise<void> {
    await this.context.connection.request('write', this.writeCommand(new WriteAction('deposit', value), undefined));
  }

  /** Waits inside the simulator until `(this & mask) == value` after an edge of `clock`; throws after `budget` edges. */
  async waitFor(value: ValueLike, options: WaitUntilOptions): Promise<number> {
    const result = await WaitUntil(this, value, options);
    if (!result.matched) {
      throw new WaitUntilTimeoutError(this.name, toBigInt(value), options.mask === undefined ? undefined : toBigInt(options.mask), result.cycles);
    }
    return result.cycles;
  }

  checkFits(value: bigint): void {
    if (!fitsWidth(value, this.width)) throw new ValueTooWideError(this.name, this.width, value);
  }

  /** A user's value for this signal, as the bridge takes it: refused, naming the signal, if it is not a non-negative integer that fits. */
  protected wireValue(value: ValueLike): string {
    let big: bigint;
    try {
      big = toBigInt(value);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new InvalidValueError(this.name, value, error.message);
    }
    this.checkFits(big);
    return toWire(big);
  }

  toString(): string {
    return `${this.name}[${this.width}]`;
  }

  protected queue(action: WriteAction, index: number | undefined): void {
    // Force and release replace each other, and so do deposits, but a
    // release followed by a deposit must keep both, in that order.
    const kind = action.mode === 'deposit' ? 'deposit' : 'hold';
    const key = `${this.name}${index === undefined ? '' : `[${index}]`}#${kind}`;
    this.context.scheduler.queueWrite(key, this.writeCommand(action, index));
  }

  protected writeCommand(action: WriteAction, index: number | undefined): { cmd: 'write'; [field: string]: unknown } {
    const command: { cmd: 'write'; [field: string]: unknown } = { cmd: 'write', sig: this.name, mode: action.mode };
    if (action.value !== undefined) command.value = this.wireValue(action.value);
    if (index !== undefined) command.index = index;
    return command;
  }
}

/** An element of a memory: `mem.at(3).value`. */
export class MemoryElement {
  constructor(
    private readonly memory: MemoryHandle,
    readonly index: number,
  ) {}

  get value(): Promise<bigint> {
    return this.memory.read(this.index);
  }

  set value(value: ValueLike | WriteAction) {
    this.memory.queueElement(this.index, value instanceof WriteAction ? value : new WriteAction('deposit', value));
  }
}

/** An unpacked array: element access by index, and bulk backdoor reads and writes for scoreboards. */
export class MemoryHandle extends SignalHandle {
  get depth(): number {
    return this.info.depth ?? 0;
  }

  get low(): number {
    return this.info.low ?? 0;
  }

  at(index: number): MemoryElement {
    this.checkIndex(index);
    return new MemoryElement(this, index);
  }

  override async read(index?: number): Promise<bigint> {
    if (index === undefined) throw new RangeError(`${this.name} is a memory: read(index), at(index) or readAll()`);
    this.checkIndex(index);
    const reply = await this.context.connection.request('read', { sig: this.name, index });
    return fromWire(reply.value, `${this.name}[${index}]`);
  }

  /** Reads `count` elements from `start` in one round trip. */
  async readAll(start = this.low, count = this.depth - (start - this.low)): Promise<bigint[]> {
    const reply = await this.context.connection.request('read_mem', { sig: this.name, start, count });
    return (reply.values as unknown[]).map((value, offset) => fromWire(value, `${this.name}[${start + offset}]`));
  }

  /** Backdoor write, at once: for preloading memories and for scoreboards. */
  async write(index: number, value: ValueLike): Promise<void> {
    this.checkIndex(index);
    await this.context.connection.request('write', this.writeCommand(new WriteAction('deposit', value), index));
  }

  async writeAll(start: number, values: readonly ValueLike[]): Promise<void> {
    const wire = values.map((value) => this.wireValue(value));
    await this.context.connection.request('write_mem', { sig: this.name, start, values: wire });
  }

  queueElement(index: number, action: WriteAction): void {
    this.checkIndex(index);
    this.queue(action, index);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < this.low || index >= this.low + this.depth) {
      throw new RangeError(`index ${index} is outside ${this.name} [${this.low}:${this.low + this.depth - 1}]`);
    }
  }
}

/**
 * Builds the `dut` object: scopes are proxies whose properties are the
 * signals and sub-scopes below them; an unknown name throws with the closest
 * names instead of returning undefined.
 */
export function buildHierarchy(context: HandleContext, signals: readonly SignalInfo[]): { dut: any; handles: Map<string, SignalHandle> } {
  const handles = new Map<string, SignalHandle>();
  const root = new Map<string, unknown>();
  for (const info of signals) {
    const handle = info.kind === 'memory' ? new MemoryHandle(context, info) : new SignalHandle(context, info);
    handles.set(info.name, handle);
    const parts = splitPath(info.name);
    let scope = root;
    for (const part of parts.slice(0, -1)) {
      let child = scope.get(part);
      if (!(child instanceof Map)) {
        child = new Map<string, unknown>();
        scope.set(part, child);
      }
      scope = child as Map<string, unknown>;
    }
    scope.set(parts[parts.length - 1]!, handle);
  }
  return { dut: scopeProxy(context, root, ''), handles };
}

/** Splits `a.gen[2].b` into `a`, `gen[2]`, `b` (dots inside brackets stay). */
export function splitPath(path: string): string[] {
  return path.split(/\.(?![^[]*\])/);
}

function scopeProxy(context: HandleContext, scope: Map<string, unknown>, prefix: string): any {
  const cache = new Map<string, unknown>();
  return new Proxy(Object.create(null), {
    get(_, property) {
      if (typeof property === 'symbol' || property === 'then' || property === 'toJSON') return undefined;
      if (property === '_path') return prefix;
      if (property === '_names') return [...scope.keys()];
      const found = cache.get(property) ?? scope.get(property);
      if (found instanceof Map) {
        const child = scopeProxy(context, found, `${prefix}${property}.`);
        cache.set(property, child);
        return child;
      }
      if (found !== undefined) return found;
      const wanted = `${prefix}${property}`;
      throw new UnknownSignalError(wanted, context.top, closestNames(wanted, context.signalNames));
    },
    has(_, property) {
      return typeof property === 'string' && scope.has(property);
    },
    ownKeys() {
      return [...scope.keys()];
    },
    getOwnPropertyDescriptor(_, property) {
      return typeof property === 'string' && scope.has(property) ? { enumerable: true, configurable: true } : undefined;
    },
  });
}
