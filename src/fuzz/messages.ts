// The fuzzer's messages: valid requests for the fixture design (a corpus
// drawn from docs/protocol.md), and the ways of breaking them — random
// bytes, truncation, oversized frames, wrong JSON types, unknown commands,
// fields, handles and signals, huge widths and values, negative,
// fractional and out-of-range numbers, deep nesting, batches with bad
// members, stream operations on unknown streams and out of order. Nothing
// here writes files or ends the bridge: those commands are never sent.
import type { Random } from '../sim/random.js';

/** Commands with effects outside the simulation (files, the process): never sent by the fuzzer. */
export const UNSAFE_COMMANDS = ['quit', 'trace_start', 'trace_stop', 'coverage_write', 'record_inputs', 'record_stop'] as const;

export interface FuzzTarget {
  /** Writable signals (inputs that do not end the simulation). */
  inputs: readonly string[];
  /** Any signal. */
  signals: readonly string[];
  memories: readonly string[];
  streams: readonly string[];
  clock: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const COMMANDS = ['hello', 'ping', 'stats', 'profile', 'list', 'resolve', 'read', 'read_many', 'read_mem', 'write', 'write_mem', 'clock', 'clock_stop', 'arm', 'disarm', 'run', 'stream_driver', 'stream_monitor', 'stream_push', 'stream_pull', 'stream_stats', 'batch'];

const NASTY_NUMBERS: readonly number[] = [-1, -0.5, 0.5, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 63, 2 ** 64, -(2 ** 63), Number.MAX_SAFE_INTEGER, 0, 4294967296, 1e-300];
const NASTY_STRINGS: readonly string[] = ['', ' ', '0x', '0xzz', '-0x1', '0x' + 'f'.repeat(300), 'nope', 'a_i.', '.a_i', 'u_ram.mem_q[3]', '\u0000', '\u00ff\u00fe', 'a'.repeat(5000), '0b102', '1e3', 'NaN', 'Infinity', '{}'];

function pickValue(random: Random): Json {
  switch (random.int(0, 6)) {
    case 0: return random.pick(NASTY_NUMBERS);
    case 1: return random.pick(NASTY_STRINGS);
    case 2: return null;
    case 3: return random.chance(0.5);
    case 4: return [random.int(0, 5), 'x'];
    case 5: return { cmd: random.pick(COMMANDS) };
    default: return `0x${random.bits(random.int(1, 200)).toString(16)}`;
  }
}

/** A request that the bridge should accept (given the state it is in, it may still refuse it). */
export function validRequest(random: Random, target: FuzzTarget, nextId: () => number): { [key: string]: Json } {
  const input = random.pick(target.inputs);
  const signal = random.pick(target.signals);
  const stream = random.pick(target.streams);
  const memory = random.pick(target.memories);
  switch (random.int(0, 17)) {
    case 0: return { cmd: 'ping' };
    case 1: return { cmd: 'stats' };
    case 2: return { cmd: 'read', sig: signal };
    case 3: return { cmd: 'read_many', sigs: [signal, random.pick(target.signals)] };
    case 4: return { cmd: 'write', sig: input, value: `0x${random.bits(8).toString(16)}`, mode: random.pick(['deposit', 'force', 'release']) };
    case 5: return { cmd: 'read_mem', sig: memory, start: random.int(0, 8), count: random.int(1, 8) };
    case 6: return { cmd: 'write_mem', sig: memory, start: random.int(0, 8), values: [`0x${random.bits(16).toString(16)}`] };
    case 7: return { cmd: 'arm', triggers: [{ id: nextId(), kind: 'timer', delay: random.int(1, 50) }] };
    case 8: return { cmd: 'arm', triggers: [{ id: nextId(), kind: 'cycles', sig: target.clock, count: random.int(1, 20) }] };
    case 9: return { cmd: 'run' };
    case 10: return { cmd: 'disarm', ids: [random.int(1, 50)] };
    case 11: return { cmd: 'stream_push', name: stream, items: [[`0x${random.bits(32).toString(16)}`]] };
    case 12: return { cmd: 'stream_pull', name: stream, ...(random.chance(0.5) ? { encoding: 'words' } : {}) };
    case 13: return { cmd: 'stream_stats', name: stream };
    case 14: return { cmd: 'list', prefix: random.pick(['u_', 'a', '']) };
    case 15: return { cmd: 'resolve', sig: signal };
    case 16: return { cmd: 'stream_push', name: stream, words: Buffer.from(new Uint32Array([random.int(0, 2 ** 31)]).buffer).toString('base64') };
    default: return { cmd: 'batch', cmds: [{ cmd: 'ping' }, { cmd: 'read', sig: signal }] };
  }
}

/** One mutation of a valid request, or a frame built from nothing. */
export function mutatedFrame(random: Random, target: FuzzTarget, nextId: () => number): string | Buffer {
  const base = validRequest(random, target, nextId);
  const keys = Object.keys(base);
  const kind = random.weighted({
    randomBytes: 3, truncate: 6, oversized: 0.05, wrongType: 12, unknownCommand: 4, unknownField: 5, unknownSignal: 8,
    hugeValue: 4, nastyNumber: 10, deepNesting: 1, badBatch: 8, streamMisuse: 6, dropField: 8, notObject: 2, valid: 6,
  });
  switch (kind) {
    case 'randomBytes': {
      const bytes = Buffer.alloc(random.int(0, 64));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
      return bytes;
    }
    case 'truncate': {
      const text = JSON.stringify(base);
      return text.slice(0, random.int(0, text.length - 1));
    }
    case 'oversized':
      return JSON.stringify({ ...base, pad: 'x'.repeat(random.int(1, 6) << 20) });
    case 'wrongType': {
      const key = random.pick(keys);
      return JSON.stringify({ ...base, [key]: pickValue(random) });
    }
    case 'unknownCommand':
      return JSON.stringify({ ...base, cmd: random.pick(['reed', 'READ', 'run!', '', 'ping ', 'stream-pull', 'batc']) });
    case 'unknownField':
      return JSON.stringify({ ...base, [random.pick(['sigg', 'vaule', 'extra', '__proto__', 'id', 'cmds'])]: pickValue(random) });
    case 'unknownSignal': {
      const field = 'sig' in base ? 'sig' : 'name' in base ? 'name' : 'sig';
      return JSON.stringify({ ...base, [field]: random.pick([...NASTY_STRINGS, 'u_nope.x', 'clk', 'u_ram.mem_q.x', random.pick(target.signals) + '_']) });
    }
    case 'hugeValue':
      return JSON.stringify({ cmd: 'write', sig: random.pick(target.inputs), value: `0x${'f'.repeat(random.int(20, 20000))}` });
    case 'nastyNumber': {
      const numeric = ['start', 'count', 'delay', 'index', 'period', 'max', 'value', 'id'];
      return JSON.stringify({ ...base, [random.pick(numeric)]: random.pick(NASTY_NUMBERS) });
    }
    case 'deepNesting': {
      const depth = random.int(100, 100_000);
      return random.chance(0.5) ? `{"cmd":"batch","cmds":${'['.repeat(depth)}${']'.repeat(depth)}}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    }
    case 'badBatch': {
      const members: Json[] = [validRequest(random, target, nextId), pickValue(random), { cmd: 'batch', cmds: [] }, validRequest(random, target, nextId)];
      return JSON.stringify({ cmd: 'batch', cmds: members.slice(random.int(0, 1)) });
    }
    case 'streamMisuse':
      return JSON.stringify(random.pick<{ [key: string]: Json }>([
        { cmd: 'stream_pull', name: 'never_made' },
        { cmd: 'stream_push', name: random.pick(target.streams), items: [[1, 2, 3]] },
        { cmd: 'stream_push', name: random.pick(target.streams), words: 'AAAA' },
        { cmd: 'stream_push', name: random.pick(target.streams), words: '!!!!' },
        { cmd: 'stream_push', name: random.pick(target.streams), items: [], words: '' },
        { cmd: 'stream_driver', name: random.pick(target.streams), clock: target.clock, valid: 'in_valid_i', data: ['in_data_i'] },
        { cmd: 'stream_monitor', name: 'm', clock: 'a_i', valid: 'nope', data: [] },
        { cmd: 'arm', triggers: [{ id: nextId(), kind: 'stream_items', stream: 'never_made', count: 1 }] },
        { cmd: 'arm', triggers: [{ id: nextId(), kind: 'stream_items', stream: random.pick(target.streams), count: 1, encoding: 'words' }] },
      ]));
    case 'dropField': {
      const copy = { ...base };
      delete copy[random.pick(keys.filter((key) => key !== 'cmd').concat(['cmd']))];
      return JSON.stringify(copy);
    }
    case 'notObject':
      return JSON.stringify(random.pick<Json>([[base], 'ping', 42, null, true]));
    default:
      return JSON.stringify(base);
  }
}

/** Whether a frame could name a command with effects outside the simulation (then it is not sent). */
export function isUnsafe(frame: string | Buffer): boolean {
  const text = typeof frame === 'string' ? frame : frame.toString('latin1');
  return UNSAFE_COMMANDS.some((name) => text.includes(name));
}
