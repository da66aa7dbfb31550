// Handles: discovery by hierarchical name, reads and writes of any width,
// memories, deposit / force / release, and the errors for bad names and values.
import { expect } from 'vitest';
import { BridgeError, UnknownSignalError, ValueTooWideError } from '../../src/errors.js';
import { Force, Release } from '../../src/sim/handle.js';
import { ClockCycles, Timer } from '../../src/sim/triggers.js';
import { simTest, startAndReset } from '../fixture.js';

simTest('hello reports the top module, the precision and the seed', async ({ sim, seed }) => {
  expect(sim.info.top).toBe('fixture_top');
  expect(sim.info.protocol).toBe(1);
  expect(sim.info.timeprecision).toBeLessThanOrEqual(sim.info.timeunit);
  expect(sim.info.seed).toBe(seed);
  expect(sim.info.features.trace).toBe(true);
});

simTest('the hierarchy lists ports, internal signals, memories and parameters', async ({ sim, dut }) => {
  const listing = await sim.connection.request('list');
  const byName = new Map((listing.signals as Array<Record<string, unknown>>).map((s) => [s.name, s]));
  expect(byName.get('clk_i')).toMatchObject({ kind: 'port', dir: 'in', width: 1, writable: true });
  expect(byName.get('cnt_count_o')).toMatchObject({ kind: 'port', dir: 'out', width: 8 });
  expect(byName.get('wide_d_i')).toMatchObject({ kind: 'port', width: 130 });
  expect(byName.get('u_counter.count_q')).toMatchObject({ kind: 'signal', width: 8 });
  expect(byName.get('u_ram.mem_q')).toMatchObject({ kind: 'memory', width: 16, depth: 64 });
  expect(byName.get('u_counter.Width')).toMatchObject({ kind: 'parameter', writable: false });
  // A port is listed once, as the port (not also as the top module's copy).
  expect([...byName.keys()].filter((name) => name === 'clk_i')).toHaveLength(1);
  // The same hierarchy through the dut object.
  expect(dut.u_counter.count_q.width).toBe(8);
  expect(dut.u_fifo.storage_q.depth).toBe(8);
  expect(Object.keys(dut.u_counter)).toContain('count_q');
  expect(await dut.u_counter.Width.value).toBe(8n);
});

simTest('values wider than 64 bits read and write exactly', async ({ dut, random }) => {
  await startAndReset(dut);
  const pattern = (1n << 129n) | random.bits(128) | 1n;
  dut.wide_d_i.value = pattern;
  dut.wide_load_i.value = 1;
  await ClockCycles(dut.clk_i, 1);
  dut.wide_load_i.value = 0;
  await ClockCycles(dut.clk_i, 1);
  expect(await dut.wide_q_o.value).toBe(pattern);
  expect(await dut.wide_q_inv_o.value).toBe(((1n << 130n) - 1n) ^ pattern);
  expect(await dut.u_wide.value_q.value).toBe(pattern);
});

simTest('memories are read and written by index and in bulk, through the backdoor', async ({ sim, dut, random }) => {
  await startAndReset(dut);
  const mem = sim.memory('u_ram.mem_q');
  await mem.write(5, 0xbeef);
  // The design reads what the backdoor wrote...
  dut.ram_addr_i.value = 5;
  await ClockCycles(dut.clk_i, 2);
  expect(await dut.ram_rdata_o.value).toBe(0xbeefn);
  // ...and the backdoor reads what the design wrote.
  dut.ram_addr_i.value = 9;
  dut.ram_wdata_i.value = 0x1234;
  dut.ram_we_i.value = 1;
  await ClockCycles(dut.clk_i, 1);
  dut.ram_we_i.value = 0;
  await ClockCycles(dut.clk_i, 1);
  expect(await mem.read(9)).toBe(0x1234n);
  expect(await mem.at(9).value).toBe(0x1234n);
  const image = Array.from({ length: 64 }, () => random.bits(16));
  await mem.writeAll(0, image);
  expect(await mem.readAll()).toEqual(image);
  expect(await mem.readAll(60, 4)).toEqual(image.slice(60));
  expect(() => mem.at(64)).toThrow(RangeError);
  await expect(sim.connection.request('read', { sig: 'u_ram.mem_q' })).rejects.toMatchObject({ code: 'index_required' });
  await expect(sim.connection.request('read', { sig: 'u_ram.mem_q', index: 64 })).rejects.toMatchObject({ code: 'index_out_of_range' });
  await expect(sim.connection.request('read', { sig: 'cnt_count_o', index: 0 })).rejects.toMatchObject({ code: 'not_a_memory' });
});

simTest('an unknown name fails with the closest names, in the host and in the bridge', async ({ sim, dut }) => {
  let thrown: unknown;
  try {
    void dut.u_counter.cont_q;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UnknownSignalError);
  expect((thrown as UnknownSignalError).candidates).toContain('u_counter.count_q');
  expect((thrown as Error).message).toMatch(/no signal 'u_counter.cont_q' in fixture_top; closest: .*u_counter.count_q/);
  expect(() => sim.signal('cnt_count')).toThrow(/closest: cnt_count_o/);

  const error = await sim.connection.request('read', { sig: 'u_counter.cont_q' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BridgeError);
  expect(error).toMatchObject({ code: 'unknown_signal' });
  expect((error as BridgeError).details.candidates).toContain('u_counter.count_q');
});

simTest('a value that does not fit is refused, never truncated', async ({ sim, dut }) => {
  expect(() => {
    dut.cnt_load_value_i.value = 256;
  }).toThrow(ValueTooWideError);
  await expect(sim.connection.request('write', { sig: 'cnt_load_value_i', value: '0x100' })).rejects.toMatchObject({
    code: 'value_too_wide',
  });
  await expect(sim.connection.request('write', { sig: 'u_counter.Width', value: 3 })).rejects.toMatchObject({ code: 'not_writable' });
  expect(await dut.cnt_load_value_i.value).toBe(0n);
});

simTest('a value of a million digits is refused at the cost of reading it; leading zeros and digit groups parse exactly', async ({ sim, dut }) => {
  for (const value of [`0x${'f'.repeat(1_000_000)}`, '9'.repeat(1_000_000), `0b${'1'.repeat(1_000_000)}`]) {
    const t0 = performance.now();
    const refused = await sim.connection.request('write', { sig: 'wide_d_i', value }).catch((error: unknown) => error);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(refused).toMatchObject({ code: 'value_too_wide', message: expect.stringMatching(/a value of 1000000 significant digits does not fit 'wide_d_i' \(130 bits\)/) });
    // The message names the value's size, not its million digits.
    expect((refused as Error).message.length).toBeLessThan(200);
  }
  const top = (1n << 130n) - 1n;
  for (const [text, expected] of [
    [`0x${'0'.repeat(100_000)}3${'f'.repeat(32)}`, top],
    [`0b11_${'1111_'.repeat(31)}1111`, top],
    [top.toString(10), top],
    [`000${(1n << 129n).toString(10)}`, 1n << 129n],
    ['0x1_0000_0000_0000_0000', 1n << 64n],
  ] as const) {
    await sim.connection.request('write', { sig: 'wide_d_i', value: text });
    await sim.connection.request('write', { sig: 'wide_load_i', value: 1 });
    expect(await dut.wide_d_i.value, text.slice(0, 40)).toBe(expected);
  }
  await expect(sim.connection.request('write', { sig: 'wide_d_i', value: `0x4${'0'.repeat(32)}` })).rejects.toMatchObject({ code: 'value_too_wide' });
  await expect(sim.connection.request('write', { sig: 'wide_d_i', value: `0x${'g'.repeat(100_000)}` })).rejects.toMatchObject({ code: 'bad_argument', message: expect.stringMatching(/\(100002 characters\)/) });
});

simTest('a deposit on a register holds until the design next writes it', async ({ dut }) => {
  await startAndReset(dut);
  dut.u_counter.count_q.value = 42;
  await ClockCycles(dut.clk_i, 3);
  expect(await dut.u_counter.count_q.value).toBe(42n);
  expect(await dut.cnt_count_o.value).toBe(42n);
  dut.cnt_en_i.value = 1;
  await ClockCycles(dut.clk_i, 3);
  expect(await dut.cnt_count_o.value).toBe(45n);
});

simTest('force holds a register against the design; release hands it back', async ({ dut }) => {
  await startAndReset(dut);
  dut.cnt_en_i.value = 1;
  dut.u_counter.count_q.value = Force(7);
  await ClockCycles(dut.clk_i, 5);
  expect(await dut.u_counter.count_q.value).toBe(7n);
  expect(await dut.cnt_count_o.value).toBe(7n);
  dut.u_counter.count_q.value = Release();
  await ClockCycles(dut.clk_i, 3);
  expect(await dut.cnt_count_o.value).toBe(10n);
});

simTest('a forced input ignores deposits until released', async ({ dut }) => {
  await startAndReset(dut);
  dut.cnt_en_i.force(0);
  await ClockCycles(dut.clk_i, 1);
  dut.cnt_en_i.value = 1;
  await ClockCycles(dut.clk_i, 4);
  expect(await dut.cnt_count_o.value).toBe(0n);
  dut.cnt_en_i.release();
  dut.cnt_en_i.value = 1;
  await ClockCycles(dut.clk_i, 4);
  expect(await dut.cnt_count_o.value).toBe(4n);
});

simTest('force on a combinational signal overrides its logic until released', async ({ dut }) => {
  dut.a_i.value = 1;
  dut.b_i.value = 2;
  await Timer(1, 'ns');
  expect(await dut.sum_o.value).toBe(3n);
  dut.sum_o.force(100);
  await Timer(1, 'ns');
  dut.a_i.value = 5;
  await Timer(1, 'ns');
  expect(await dut.sum_o.value).toBe(100n);
  dut.sum_o.release();
  dut.a_i.value = 6;
  await Timer(1, 'ns');
  expect(await dut.sum_o.value).toBe(8n);
});

simTest('a queued write waits for the next run; setImmediateValue does not', async ({ dut }) => {
  dut.a_i.value = 9;
  expect(await dut.a_i.value).toBe(0n);
  await Timer(1, 'ns');
  expect(await dut.a_i.value).toBe(9n);
  await dut.b_i.setImmediateValue(4);
  expect(await dut.b_i.value).toBe(4n);
  // The combinational output follows at the next evaluation.
  await Timer(1, 'ns');
  expect(await dut.sum_o.value).toBe(13n);
});

simTest('reads asked for together travel in one round trip, and a bad one fails alone', async ({ sim, dut }) => {
  await startAndReset(dut);
  await ClockCycles(dut.clk_i, 5);
  const before = sim.connection.stats.requests;
  const [count, missing, memory, again] = await Promise.allSettled([
    dut.u_counter.count_q.read(),
    sim.connection.request('read', { sig: 'u_counter.no_such_signal' }),
    dut.u_ram.mem_q.readAll(0, 4),
    dut.u_counter.count_q.read(),
  ]);
  // The first and the bad one in one batch; the ones after the failure again, together.
  expect(sim.connection.stats.requests - before).toBe(2);
  expect(count.status).toBe('fulfilled');
  expect(again).toEqual(count);
  expect(memory).toMatchObject({ status: 'fulfilled', value: [0n, 0n, 0n, 0n].map(() => expect.any(BigInt)) });
  expect(missing.status).toBe('rejected');
  const error = (missing as PromiseRejectedResult).reason as BridgeError;
  expect(error).toBeInstanceOf(BridgeError);
  expect(error.code).toBe('unknown_signal');
  expect(error.message).toContain('u_counter.no_such_signal');
  // Alone, each read is the same as in the batch.
  expect(await dut.u_counter.count_q.read()).toBe((count as PromiseFulfilledResult<bigint>).value);
});
