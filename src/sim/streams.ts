// Ready/valid streams moved by the bridge: the host queues whole
// transactions to a driver and reads a monitor's transactions in batches;
// no beat costs a round trip.
import type { BridgeConnection } from '../bridge/connection.js';
import { MirrorsimError } from '../errors.js';
import type { SignalHandle } from './handle.js';
import type { Flusher, Scheduler } from './scheduler.js';
import { BridgeTrigger, type Trigger } from './triggers.js';
import { ItemPacker, unpackItems } from './stream-words.js';
import type { ValueLike } from './values.js';

export interface StreamBus {
  /** Unique among the simulation's streams. */
  name: string;
  clock: SignalHandle;
  valid: SignalHandle;
  /** Without it every beat is accepted. */
  ready?: SignalHandle;
  /** The data signals of one beat, in the order items list their values. */
  data: readonly SignalHandle[];
}

interface StreamContext {
  connection: BridgeConnection;
  scheduler: Scheduler;
}

function busFields(bus: StreamBus): Record<string, unknown> {
  if (bus.data.length === 0) throw new MirrorsimError(`stream ${bus.name} needs at least one data signal`);
  const fields: Record<string, unknown> = {
    name: bus.name,
    clock: bus.clock.name,
    valid: bus.valid.name,
    data: bus.data.map((signal) => signal.name),
  };
  if (bus.ready) fields.ready = bus.ready.name;
  return fields;
}

function checkProbability(value: number, what: string): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${what} must be between 0 and 1, not ${value}`);
}

/** A bridge trigger on a stream, awaited like any other trigger. */
function streamTrigger(scheduler: Scheduler, spec: { kind: string; stream: string; count?: number }): Trigger<void> {
  return new BridgeTrigger(
    () => scheduler,
    () => spec,
    () => undefined,
    `${spec.kind}(${spec.stream})`,
  );
}

export class StreamDriver implements Flusher {
  private readonly queued: ItemPacker;
  private sentCount = 0;

  private constructor(
    private readonly context: StreamContext,
    readonly bus: StreamBus,
  ) {
    this.queued = new ItemPacker(bus.data);
    context.scheduler.addFlusher(this);
  }

  /** Creates the driver in the bridge. `idleProb`: chance of an idle cycle before each item. */
  static async create(context: StreamContext, bus: StreamBus, options: { idleProb?: number } = {}): Promise<StreamDriver> {
    const idleProb = options.idleProb ?? 0;
    checkProbability(idleProb, 'idleProb');
    await context.scheduler.sendNow({ cmd: 'stream_driver', ...busFields(bus), idle_prob: idleProb });
    return new StreamDriver(context, bus);
  }

  /**
   * Queues items (each one value per data signal, or a single value when the
   * bus has one data signal). Await the result to wait until they are done.
   */
  send(...items: Array<ValueLike | readonly ValueLike[]>): Trigger<void> {
    // Checked whole before any is queued: a bad item queues none of the call's items.
    const checked = new ItemPacker(this.bus.data, items.length);
    for (const item of items) {
      const values = Array.isArray(item) ? (item as readonly ValueLike[]) : [item as ValueLike];
      if (values.length !== this.bus.data.length) {
        throw new RangeError(`stream ${this.bus.name} items have ${this.bus.data.length} values, not ${values.length}`);
      }
      checked.add(values);
    }
    this.queued.append(checked);
    this.sentCount += items.length;
    return this.done(this.sentCount);
  }

  /** Fires once `count` items (since creation) are done. */
  done(count = this.sentCount): Trigger<void> {
    return streamTrigger(this.context.scheduler, { kind: 'stream_done', stream: this.bus.name, count });
  }

  /** Fires once the queue is empty and the bus idle. */
  idle(): Trigger<void> {
    return streamTrigger(this.context.scheduler, { kind: 'stream_idle', stream: this.bus.name });
  }

  /** Items accepted by send() so far. */
  get sent(): number {
    return this.sentCount;
  }

  flush() {
    if (this.queued.count === 0) return [];
    return [{ cmd: 'stream_push', name: this.bus.name, words: this.queued.take() }];
  }
}

/** A monitor's batch as the bridge sends it (docs/protocol.md, stream_pull with `encoding: "words"`). */
interface WireBatch {
  words?: unknown;
  times?: unknown;
}

export interface StreamItem {
  data: bigint[];
  /** Simulation time of the clock edge that took the beat. */
  time: bigint;
}

export class StreamMonitor implements AsyncIterable<StreamItem> {
  private buffer: StreamItem[] = [];
  private received = 0;
  /** The scheduler's run count when the last pull was sent (-1: never pulled). */
  private runsAtLastPull = -1;

  private constructor(
    private readonly context: StreamContext,
    readonly bus: StreamBus,
  ) {}

  /** Creates the monitor. `driveReady`: the monitor drives `ready` itself, high with this chance each cycle. */
  static async create(context: StreamContext, bus: StreamBus, options: { driveReady?: number } = {}): Promise<StreamMonitor> {
    const fields = busFields(bus);
    if (options.driveReady !== undefined) {
      checkProbability(options.driveReady, 'driveReady');
      if (!bus.ready) throw new MirrorsimError(`stream ${bus.name}: driveReady needs a ready signal`);
      fields.drive_ready = options.driveReady;
    }
    await context.scheduler.sendNow({ cmd: 'stream_monitor', ...fields });
    return new StreamMonitor(context, bus);
  }

  /** Items taken so far (delivered or buffered in the host). */
  get count(): number {
    return this.received;
  }

  /** The next item, waiting in the simulation for it if none is buffered. */
  async next(): Promise<StreamItem> {
    if (this.buffer.length === 0) await this.fill(1);
    return this.buffer.shift()!;
  }

  /** Exactly `count` items, waiting in the simulation until they have all arrived. */
  async collect(count: number): Promise<StreamItem[]> {
    if (this.buffer.length < count) await this.fill(count - this.buffer.length);
    return this.buffer.splice(0, count);
  }

  /** Whatever has arrived, without waiting. */
  async drain(): Promise<StreamItem[]> {
    await this.pull();
    return this.buffer.splice(0);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamItem> {
    for (;;) yield await this.next();
  }

  private async fill(needed: number): Promise<void> {
    // Items only arrive while the simulation runs: when nothing ran since a
    // pull came back, another pull would cost a round trip to learn nothing.
    if (this.context.scheduler.counters.runs !== this.runsAtLastPull) await this.pull();
    while (this.buffer.length < needed) {
      const missing = needed - this.buffer.length;
      // The items come with the trigger's report: no pull after it.
      const delivered = await new BridgeTrigger(
        () => this.context.scheduler,
        () => ({ kind: 'stream_items', stream: this.bus.name, count: missing, take: true, encoding: 'words' }),
        (fired) => fired as WireBatch,
        `stream_items(${this.bus.name})`,
      );
      this.accept(delivered);
    }
  }

  private accept(batch: WireBatch): void {
    const items = unpackItems(batch, this.bus.data.map((signal) => signal.width), this.bus.name);
    for (const item of items) this.buffer.push(item);
    this.received += items.length;
  }

  private async pull(): Promise<void> {
    const runs = this.context.scheduler.counters.runs;
    const reply = await this.context.connection.request('stream_pull', { name: this.bus.name, encoding: 'words' });
    this.runsAtLastPull = runs;
    this.accept(reply as WireBatch);
  }
}
