// Every failure the host reports is one of these classes, with fields that
// say what failed, so a test (or a regression summary) can act on them
// without parsing messages.

/** Base class: anything that went wrong in a simulation. */
export class MirrorsimError extends Error {
  override name = 'MirrorsimError';
}

/** The bridge answered a request with an error. */
export class BridgeError extends MirrorsimError {
  override name = 'BridgeError';
  constructor(
    /** The bridge's error code, e.g. `unknown_signal` (see docs/protocol.md). */
    readonly code: string,
    message: string,
    /** The command that failed. */
    readonly command: string,
    /** Every other field of the bridge's error object. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${command}: ${message}`);
  }
}

/** A signal name that the design does not have. */
export class UnknownSignalError extends MirrorsimError {
  override name = 'UnknownSignalError';
  constructor(
    readonly signal: string,
    readonly top: string,
    readonly candidates: readonly string[],
  ) {
    const hint = candidates.length > 0 ? `; closest: ${candidates.join(', ')}` : '';
    super(`no signal '${signal}' in ${top}${hint}`);
  }
}

/** A value that does not fit the signal it is written to. */
export class ValueTooWideError extends MirrorsimError {
  override name = 'ValueTooWideError';
  constructor(
    readonly signal: string,
    readonly width: number,
    readonly value: bigint,
  ) {
    super(`value 0x${value.toString(16)} does not fit ${signal} (${width} bits)`);
  }
}

/** A value written to a signal that is not a non-negative integer: negative, fractional, unsafe or not a number. */
export class InvalidValueError extends MirrorsimError {
  override name = 'InvalidValueError';
  constructor(
    readonly signal: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`cannot write ${typeof value === 'string' ? `'${value}'` : String(value)} to ${signal}: ${reason}`);
  }
}

/** A write during the ReadOnly phase of a time step (cocotb raises here too). */
export class ReadOnlyWriteError extends MirrorsimError {
  override name = 'ReadOnlyWriteError';
  constructor(
    readonly signal: string,
    readonly simTime: bigint,
  ) {
    super(`write to ${signal} in the ReadOnly phase (time ${simTime}): writes are not allowed until the next time step`);
  }
}

/** A request to the simulator that got no answer in time. */
export class SimulatorTimeoutError extends MirrorsimError {
  override name = 'SimulatorTimeoutError';
  readonly timedOut = true;
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
    readonly pid: number | undefined,
  ) {
    super(`simulator (pid ${pid ?? '?'}) did not answer '${command}' within ${timeoutMs} ms; it was killed`);
  }
}

/** The simulator process ended while the host still needed it. */
export class SimulatorExitedError extends MirrorsimError {
  override name = 'SimulatorExitedError';
  constructor(
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly pid: number | undefined,
    /** The last lines the process printed (stdout and stderr). */
    readonly outputTail: readonly string[],
    readonly command: string | undefined,
  ) {
    const how = signal !== undefined ? `killed by ${signal}` : `exited with status ${exitCode ?? '?'}`;
    const during = command !== undefined ? ` during '${command}'` : '';
    const tail = outputTail.length > 0 ? `\n  last output:\n    ${outputTail.join('\n    ')}` : '';
    super(`simulator (pid ${pid ?? '?'}) ${how}${during}${tail}`);
  }
}

/** A simulator started on an endpoint another simulator is listening on (it was refused; the other keeps it). */
export class EndpointInUseError extends MirrorsimError {
  override name = 'EndpointInUseError';
  constructor(
    readonly endpoint: string,
    readonly pid: number | undefined,
  ) {
    super(`simulator (pid ${pid ?? '?'}) cannot listen on ${endpoint}: another simulator is listening on it; give each simulator its own endpoint (or leave SimulatorOptions.endpoint unset)`);
  }
}

export type FinishKind = 'finish' | 'stop' | 'fatal';

/** The design ended the simulation: `$finish`, `$stop`, `$error`/assertion, `$fatal`. */
export class SimulationFinishedError extends MirrorsimError {
  override name = 'SimulationFinishedError';
  constructor(
    readonly kind: FinishKind,
    readonly file: string,
    readonly line: number,
    readonly simTime: bigint,
    readonly detail: string,
    readonly output: readonly string[],
  ) {
    const what = kind === 'finish' ? '$finish' : kind === 'stop' ? '$stop/$error/assertion' : 'fatal error';
    const lines = output.length > 0 ? `\n  design output:\n    ${output.join('\n    ')}` : '';
    super(`${what} at ${file}:${line}, time ${simTime}${detail ? `: ${detail}` : ''}${lines}`);
  }
}

/** withTimeout()'s trigger did not fire in time (cocotb's SimTimeoutError). */
export class SimTimeoutError extends MirrorsimError {
  override name = 'SimTimeoutError';
  constructor(
    readonly timeout: bigint,
    readonly unit: string,
  ) {
    super(`timed out after ${timeout} ${unit} of simulation time`);
  }
}

/** A WaitUntil whose cycle budget ran out before the signal matched. */
export class WaitUntilTimeoutError extends MirrorsimError {
  override name = 'WaitUntilTimeoutError';
  constructor(
    readonly signal: string,
    readonly expected: bigint,
    readonly mask: bigint | undefined,
    readonly cycles: number,
  ) {
    const masked = mask !== undefined ? ` (mask 0x${mask.toString(16)})` : '';
    super(`${signal} did not become 0x${expected.toString(16)}${masked} within ${cycles} cycles`);
  }
}

/** The task was cancelled (its test ended, or task.cancel() was called). */
export class TaskCancelledError extends MirrorsimError {
  override name = 'TaskCancelledError';
  constructor(readonly task: string) {
    super(`task '${task}' was cancelled`);
  }
}

/** Something was awaited, read or written after Simulator.close(). */
export class SimulationClosedError extends TaskCancelledError {
  override name = 'SimulationClosedError';
  constructor() {
    super('simulation closed');
    this.message = 'the simulation was closed (Simulator.close()): nothing can be awaited, read or written on it any more; start a new one';
  }
}

/** A test body ended while triggers it made were never awaited: each was a wait that did not wait. */
export class UnawaitedTriggerError extends MirrorsimError {
  override name = 'UnawaitedTriggerError';
  constructor(readonly triggers: readonly string[]) {
    const listed = triggers.slice(0, 5).join(', ') + (triggers.length > 5 ? ` and ${triggers.length - 5} more` : '');
    super(`${listed} ${triggers.length === 1 ? 'was' : 'were'} made but never awaited: a trigger waits only when awaited (write \`await ${triggers[0]}\`)`);
  }
}

/** Building the Verilated model failed. */
export class BuildError extends MirrorsimError {
  override name = 'BuildError';
  constructor(
    readonly design: string,
    readonly exitCode: number | undefined,
    readonly logFile: string,
    readonly outputTail: readonly string[],
  ) {
    super(`building ${design} failed (status ${exitCode ?? '?'}); log: ${logFile}\n    ${outputTail.join('\n    ')}`);
  }
}

/** A tool the build needs is missing from the machine. */
export class MissingToolError extends MirrorsimError {
  override name = 'MissingToolError';
  constructor(
    readonly tool: string,
    readonly installHint: string,
  ) {
    super(`${tool} not found; install it with: ${installHint}`);
  }
}

/** A `make sim` worker process (JOBS=) that died while it ran a seed. */
export class SeedWorkerError extends MirrorsimError {
  override name = 'SeedWorkerError';
  constructor(
    readonly seed: number,
    readonly scenario: string,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    /** The last lines the worker wrote to stderr. */
    readonly stderrTail: string,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode ?? 'unknown'}`;
    super(`the worker process running ${scenario} seed ${seed} ${how}${stderrTail ? `; its last output:\n${stderrTail}` : ''}`);
  }
}
