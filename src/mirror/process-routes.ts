// Where a node's processes send their requests: their own node, or the
// survivor that took their node over. A failure cuts the processes off in
// the middle of whatever they were doing (their node is gone); a failback
// lets them finish their current operation, parks them, and moves them home.
import type { NodeName } from './state.js';

/** Raised inside an operation of a process whose node failed under it. */
export class ProcessesMoved extends Error {
  override name = 'ProcessesMoved';
  constructor(readonly home: NodeName) {
    super(`the processes of ${home} were cut off by its failure`);
  }
}

/** One operation's ticket: void once its node failed. */
export interface Epoch {
  readonly void: boolean;
  /** Calls `onCut` if the node fails while a request is under way; returns what stops listening. */
  listen(onCut: (error: ProcessesMoved) => void): () => void;
}

/**
 * The requests under way listen for the cut one by one and stop listening
 * when they end: racing each against one long-lived promise would leave a
 * reaction (and the request's result) on it per request, for the epoch's
 * whole life.
 */
class MutableEpoch implements Epoch {
  void = false;
  private readonly listeners = new Set<(error: ProcessesMoved) => void>();
  listen(onCut: (error: ProcessesMoved) => void): () => void {
    this.listeners.add(onCut);
    return () => this.listeners.delete(onCut);
  }
  end(home: NodeName): void {
    this.void = true;
    const error = new ProcessesMoved(home);
    for (const onCut of [...this.listeners]) onCut(error);
    this.listeners.clear();
  }
}

export class ProcessRoute {
  /** The node serving these processes now. */
  serving: NodeName;
  private epoch = new MutableEpoch();
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(readonly home: NodeName) {
    this.serving = home;
  }

  /** Waits until the processes may run, then counts one operation in. */
  async enter(): Promise<Epoch> {
    while (this.gate) await this.gate;
    this.active++;
    return this.epoch;
  }

  /** Counts an operation out (however it ended). */
  leave(): void {
    this.active--;
    if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Runs one request of an operation, unless its node has failed under it. */
  async call<T>(epoch: Epoch, request: () => Promise<T>): Promise<T> {
    if (epoch.void) throw new ProcessesMoved(this.home);
    return new Promise<T>((resolve, reject) => {
      const stop = epoch.listen(reject);
      request().then(resolve, reject).finally(stop);
    });
  }

  private close(): void {
    this.gate ??= new Promise<void>((resolve) => (this.openGate = resolve));
  }

  /** The serving node failed: every operation in progress ends now; new ones wait for `moveTo`. */
  cut(): void {
    this.close();
    this.epoch.end(this.home);
    this.epoch = new MutableEpoch();
  }

  /** Lets the operations in progress finish and holds new ones; resolves when none is left. */
  async park(): Promise<void> {
    this.close();
    if (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** The processes run again, served by `node`. */
  moveTo(node: NodeName): void {
    this.serving = node;
    const open = this.openGate;
    this.gate = undefined;
    this.openGate = undefined;
    open?.();
  }
}
