// mirrorsim's public API: cocotb's concepts for a TypeScript host.
export * from './errors.js';
export { Simulator, type SimulatorInfo, type SimulatorOptions } from './sim/simulator.js';
export { SignalHandle, MemoryHandle, MemoryElement, WriteAction, Deposit, Force, Release, type SignalInfo } from './sim/handle.js';
export {
  Trigger,
  RisingEdge,
  FallingEdge,
  ValueChange,
  Edge,
  ClockCycles,
  Timer,
  ReadOnly,
  ReadWrite,
  NextTimeStep,
  Combine,
  First,
  withTimeout,
  WaitUntil,
  type Waitable,
  type WaitUntilOptions,
  type WaitUntilResult,
} from './sim/triggers.js';
export { Clock, type ClockStartOptions } from './sim/clock.js';
export { Task, startSoon } from './sim/task.js';
export { StreamDriver, StreamMonitor, type StreamBus, type StreamItem } from './sim/streams.js';
export { Random } from './sim/random.js';
export { toSteps, fromSteps, type TimeUnit } from './sim/time.js';
export type { ValueLike } from './sim/values.js';
export { type Design, fixtureDesign, fifoBenchDesign } from './build/design.js';
export { ensureModel, type BuiltModel } from './build/verilate.js';
