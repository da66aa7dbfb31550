// The bridge under bad input, as `make test` runs it: 10,000 random and
// mutated messages at a fixed seed (make fuzz runs a million), the classic
// hostile inputs one by one, and the probe's own sensitivity (a check that
// cannot fail is no check).
import { expect, test } from 'vitest';
import { probeState, runFuzz, startFuzzSession } from '../../src/fuzz/fuzzer.js';

test('10,000 fuzzed messages: every one answered, no crash, no hang, no refused message changes the state', async () => {
  const report = await runFuzz({ messages: 10_000, seed: 1, timeoutMs: 10_000 });
  console.log(`[mirrorsim] fuzz: seed=1 (replay: make fuzz N=10000 SEED=1): ${JSON.stringify(report.errorsByCode)}, ${report.accepted} accepted, ${report.refusedCompared} refused and checked, ${report.seconds.toFixed(1)} s`);
  expect(report.sent).toBe(10_000);
  expect({ crashes: report.crashes, hangs: report.hangs, stateChanges: report.stateChanges, saved: report.saved }).toEqual({ crashes: 0, hangs: 0, stateChanges: 0, saved: [] });
  expect(report.refusedCompared).toBeGreaterThan(5000);
  expect(report.accepted).toBeGreaterThan(500);
  for (const code of ['malformed', 'bad_argument', 'unknown_command', 'unknown_signal', 'unknown_stream', 'value_too_wide']) expect(report.errorsByCode[code], code).toBeGreaterThan(0);
}, 300_000);

test('hostile frames one by one: each is answered with an error within a second and the bridge serves on', async () => {
  const session = await startFuzzSession(3, 10_000);
  try {
    const before = await probeState(session);
    const frames: Array<[string, string | Buffer, string]> = [
      ['200,000 nested arrays', `${'['.repeat(200_000)}${']'.repeat(200_000)}`, 'malformed'],
      ['100,000 nested objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 'malformed'],
      ['a batch nested 100,000 deep', `{"cmd":"batch","cmds":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'malformed'],
      ['an 8 MB frame of an unknown command', `{"cmd":"nope","pad":"${'x'.repeat(8 << 20)}"}`, 'unknown_command'],
      ['a million-digit value', `{"cmd":"write","sig":"a_i","value":"${'7'.repeat(1_000_000)}"}`, 'value_too_wide'],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'malformed'],
      ['a lone surrogate', '{"cmd":"read","sig":"\\ud800"}', 'malformed'],
      ['an index of 2^64', '{"cmd":"read","sig":"u_ram.mem_q","index":18446744073709551616}', 'bad_argument'],
      ['a count of 1e18', '{"cmd":"read_mem","sig":"u_ram.mem_q","start":0,"count":1000000000000000000}', 'index_out_of_range'],
      ['a batch of 100,000 bad members', JSON.stringify({ cmd: 'batch', cmds: Array.from({ length: 100_000 }, () => ({ cmd: 'write', sig: 'a_i', value: -1 })) }), 'bad_argument'],
    ];
    for (const [what, frame, code] of frames) {
      const t0 = performance.now();
      const reply = await session.sim.connection.requestRaw(frame, 10_000);
      expect(performance.now() - t0, what).toBeLessThan(1000);
      expect(reply.ok, what).toBe(false);
      expect(reply.error?.code, what).toBe(code);
    }
    // Saved by `make fuzz SANITIZE=1 N=100000 SEED=2` (message 92,538): an
    // empty packed batch made the bridge memcpy from a null buffer. It is a
    // valid push of no items; under SANITIZE=1 this replays the finding.
    const empty = await session.sim.connection.requestRaw('{"cmd":"stream_push","name":"fuzz_in","words":""}', 10_000);
    expect(empty, 'an empty packed batch').toMatchObject({ ok: true });
    expect(await probeState(session)).toBe(before);
    // The probe sees what a message changes: it is not blind.
    await session.sim.connection.request('write', { sig: 'a_i', value: '0x5a' });
    expect(await probeState(session)).not.toBe(before);
  } finally {
    await session.sim.close();
  }
}, 120_000);
