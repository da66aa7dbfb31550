// The fault controller: link drops, corruption, delay and cuts, and node
// failures with their return, at random times, from a named mix. Every
// fault it injects is counted.
import type { Simulator } from '../sim/simulator.js';
import type { Random } from '../sim/random.js';
import { startSoon, type Task } from '../sim/task.js';
import { ClockCycles } from '../sim/triggers.js';

export const FAULT_MIXES = {
  none: [],
  drop: ['drop'],
  corrupt: ['corrupt'],
  delay: ['delay'],
  duplicate: ['duplicate'],
  lossy: ['drop', 'corrupt', 'delay'],
  fail: ['fail'],
  lossy_fail: ['drop', 'corrupt', 'delay', 'fail'],
  cut: ['cut'],
  all: ['drop', 'corrupt', 'delay', 'duplicate', 'fail', 'cut'],
} as const satisfies Record<string, readonly FaultKind[]>;

/** `duplicate`: frames leave the wire twice. `fail`: a node fails, is taken over, returns and is resynchronized. */
export type FaultKind = 'drop' | 'corrupt' | 'delay' | 'duplicate' | 'cut' | 'fail';
export type FaultMix = keyof typeof FAULT_MIXES;

export function isFaultMix(name: string): name is FaultMix {
  return Object.hasOwn(FAULT_MIXES, name);
}

function mixHas(mix: FaultMix, kind: FaultKind): boolean {
  return (FAULT_MIXES[mix] as readonly FaultKind[]).includes(kind);
}

/** Whether a mix can make the partner unreachable (answers `partner down` / `partner timeout` become legal). */
export function losesPartner(mix: FaultMix): boolean {
  return mixHas(mix, 'cut') || mixHas(mix, 'fail');
}

export interface FaultHooks {
  /** Told when a plain cut begins (the link may lose what was in flight). */
  onCut?(): void;
  /** Fails a node and brings it back; resolves once it serves again. Needed by mixes with `fail`. */
  failAndReturn?(): Promise<void>;
  /** Cuts the link and heals it, following a split brain to its end; replaces the plain cut. */
  cutAndHeal?(): Promise<void>;
  /** Told as a burst begins, on which direction (a cut: both); the function it returns is called as it ends. */
  onBurst?(kind: FaultKind, direction: 'ab' | 'ba' | 'both'): () => void;
}

export class FaultController {
  readonly injected = new Map<FaultKind, number>();
  private task: Task<void> | undefined;
  /** A node failure or a split brain runs to its end (both nodes serving) even when the mix stops meanwhile. */
  private episode: Task<void> | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly random: Random,
    private readonly hooks: FaultHooks = {},
  ) {}

  /**
   * Starts bursts of the mix's faults, one at a time, every `meanGap` cycles
   * or so. A node failure or a split brain (an episode) runs beside the link
   * bursts, which go on meanwhile (through the takeover and the resync); a
   * second episode waits for the first to end.
   */
  start(mix: FaultMix, meanGap = 300): void {
    const kinds = FAULT_MIXES[mix] as readonly FaultKind[];
    if (kinds.length === 0) return;
    this.task = startSoon(async () => {
      const clock = this.sim.dut.clk_i;
      // After an episode both nodes serve, mirrored, for a while before the next.
      let elapsed = 0;
      let calmUntil = 0;
      for (;;) {
        const gap = this.random.int(meanGap / 2, (meanGap * 3) / 2);
        await ClockCycles(clock, gap);
        elapsed += gap;
        const kind = this.random.pick(kinds);
        if (this.episodeHook(kind)) {
          if ((this.episode && !this.episode.done) || elapsed < calmUntil) continue;
          this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
          const run = this.episodeHook(kind)!;
          const calm = this.random.int(10 * meanGap, 30 * meanGap);
          this.episode = startSoon(async () => {
            await run();
            calmUntil = elapsed + calm;
          }, kind === 'fail' ? 'node failure' : 'link cut');
        } else {
          await this.burst(kind);
        }
      }
    }, `fault mix ${mix}`);
  }

  /** What runs a failure or a cut as an episode, if the hooks say. */
  private episodeHook(kind: FaultKind): (() => Promise<void>) | undefined {
    if (kind === 'fail') {
      if (!this.hooks.failAndReturn) throw new Error('fault controller: a mix with node failures needs the failAndReturn hook');
      return this.hooks.failAndReturn;
    }
    return kind === 'cut' ? this.hooks.cutAndHeal : undefined;
  }

  /** Stops injecting, lets a node failure in progress end with the node back, and clears every fault input. */
  async finish(): Promise<void> {
    this.task?.cancel();
    this.task = undefined;
    // A burst cut short must not leave its fault on while the episode ends.
    this.clearLinkFaults();
    await this.episode;
    this.stop();
  }

  /** One fault: on for a while, then off. */
  async burst(kind: FaultKind): Promise<void> {
    const dut = this.sim.dut;
    const direction = this.random.pick(['ab', 'ba'] as const);
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    const ended = this.hooks.onBurst?.(kind, kind === 'cut' ? 'both' : direction);
    try {
      switch (kind) {
        case 'drop':
        case 'corrupt':
        case 'duplicate': {
          const signal = dut[`fault_${kind === 'duplicate' ? 'dup' : kind}_${direction}_i`];
          signal.value = 1;
          await ClockCycles(dut.clk_i, this.random.int(3, 40));
          signal.value = 0;
          break;
        }
        case 'delay': {
          const signal = dut[`fault_delay_${direction}_i`];
          signal.value = this.random.int(5, 60);
          await ClockCycles(dut.clk_i, this.random.int(50, 400));
          signal.value = 0;
          break;
        }
        case 'fail':
          throw new Error('fault controller: a node failure is an episode, not a burst');
        case 'cut':
          this.hooks.onCut?.();
          dut.fault_cut_i.value = 1;
          await ClockCycles(dut.clk_i, this.random.int(200, 1500));
          dut.fault_cut_i.value = 0;
          break;
      }
    } finally {
      // Also when the mix stops part-way (the task is cancelled).
      ended?.();
    }
  }

  /** Stops injecting now (a node failure in progress too) and clears every fault input. */
  stop(): void {
    this.task?.cancel();
    this.task = undefined;
    this.episode?.cancel();
    this.episode = undefined;
    this.clearLinkFaults();
    this.sim.dut.fault_cut_i.value = 0;
  }

  private clearLinkFaults(): void {
    const dut = this.sim.dut;
    for (const name of ['fault_drop_ab_i', 'fault_drop_ba_i', 'fault_corrupt_ab_i', 'fault_corrupt_ba_i', 'fault_delay_ab_i', 'fault_delay_ba_i', 'fault_dup_ab_i', 'fault_dup_ba_i']) {
      dut[name].value = 0;
    }
  }
}
