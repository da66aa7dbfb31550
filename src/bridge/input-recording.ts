// Reads an input recording written by the bridge (`record_inputs`; the
// format is in docs/protocol.md): its ports, where each recorded input value
// sits in the file, and the trailer. For tools and tests; the replay itself
// is native (bench/native/replay_mirror.cpp).
import { MirrorsimError } from '../errors.js';

const MAGIC = 'MSINREC1';
const END_MAGIC = 'MSINEND1';
const FORMAT_VERSION = 1;

export interface RecordedPort {
  name: string;
  width: number;
  /** Bytes of its value in the file: the model's storage size (1, 2, 4, 8, or 4 per 32-bit word). */
  bytes: number;
}

/** One input value an eval() got: where it sits in the file. */
export interface RecordedChange {
  /** The eval, counted from 0 in the recording. */
  eval: number;
  /** Simulation time of that eval, in the model's time precision. */
  time: number;
  /** Index into InputRecording.inputs. */
  input: number;
  /** Byte offset of the value (little-endian, `bytes` long) in the file. */
  offset: number;
}

export interface InputRecording {
  top: string;
  timeprecision: number;
  startTime: number;
  /** eval() calls the model had before the recording started (1: only its initial evaluation). */
  evalsBefore: number;
  inputs: RecordedPort[];
  outputs: RecordedPort[];
  evals: number;
  endTime: number;
  /** The output ports' values when the recording stopped, in `outputs` order. */
  finalOutputs: Buffer[];
  changes: RecordedChange[];
}

/** A file that is not a complete recording: what is wrong and at which byte. */
export class InputRecordingFormatError extends MirrorsimError {
  override name = 'InputRecordingFormatError';
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`not a complete input recording: ${detail} (at byte ${offset})`);
  }
}

class Cursor {
  pos = 0;
  constructor(private readonly data: Buffer) {}

  take(n: number): Buffer {
    if (this.data.length - this.pos < n) throw new InputRecordingFormatError(this.pos, `the file ends after ${this.data.length} bytes`);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u32(): number {
    return this.take(4).readUInt32LE(0);
  }
  i32(): number {
    return this.take(4).readInt32LE(0);
  }
  u64(): number {
    return Number(this.take(8).readBigUInt64LE(0));
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.take(1)[0]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new InputRecordingFormatError(this.pos, 'a number longer than 10 bytes');
  }
  text(): string {
    return this.take(this.u32()).toString('utf8');
  }
  ports(): RecordedPort[] {
    return Array.from({ length: this.u32() }, () => ({ name: this.text(), width: this.u32(), bytes: this.u32() }));
  }
}

export function readInputRecording(data: Buffer): InputRecording {
  const at = new Cursor(data);
  if (data.length < MAGIC.length || at.take(MAGIC.length).toString('latin1') !== MAGIC) {
    throw new InputRecordingFormatError(0, `no ${MAGIC} header`);
  }
  const version = at.u32();
  if (version !== FORMAT_VERSION) throw new InputRecordingFormatError(8, `format version ${version}, not ${FORMAT_VERSION}`);
  const top = at.text();
  const timeprecision = at.i32();
  const startTime = at.u64();
  const evalsBefore = at.u64();
  const inputs = at.ports();
  const outputs = at.ports();
  const changes: RecordedChange[] = [];
  let time = startTime;
  let evals = 0;
  for (;;) {
    const head = at.varint();
    if (head === 0) break;
    time += at.varint();
    for (let k = 0; k < head - 1; k++) {
      const where = at.pos;
      const input = at.varint();
      const port = inputs[input];
      if (!port) throw new InputRecordingFormatError(where, `eval ${evals} names input ${input} of ${inputs.length}`);
      changes.push({ eval: evals, time, input, offset: at.pos });
      at.take(port.bytes);
    }
    evals++;
  }
  const counted = at.u64();
  if (counted !== evals) throw new InputRecordingFormatError(at.pos - 8, `the trailer counts ${counted} evals, the file holds ${evals}`);
  const endTime = at.u64();
  const finalOutputs = outputs.map((port) => Buffer.from(at.take(port.bytes)));
  if (at.take(END_MAGIC.length).toString('latin1') !== END_MAGIC) throw new InputRecordingFormatError(at.pos - 8, `the trailer does not end in ${END_MAGIC}`);
  return { top, timeprecision, startTime, evalsBefore, inputs, outputs, evals, endTime, finalOutputs, changes };
}
