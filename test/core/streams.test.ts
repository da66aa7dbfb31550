// Ready/valid streams moved by the bridge: whole transactions, in order,
// under back-pressure and gaps, without a round trip per beat.
import { expect } from 'vitest';
import { BridgeError } from '../../src/errors.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { simTest, startAndReset } from '../fixture.js';

function fifoStreams(sim: Simulator, options: { idleProb?: number; driveReady?: number } = {}) {
  const dut = sim.dut;
  return Promise.all([
    sim.streamDriver(
      { name: 'fifo_in', clock: dut.clk_i, valid: dut.in_valid_i, ready: dut.in_ready_o, data: [dut.in_data_i] },
      { idleProb: options.idleProb ?? 0 },
    ),
    sim.streamMonitor(
      { name: 'fifo_out', clock: dut.clk_i, valid: dut.out_valid_o, ready: dut.out_ready_i, data: [dut.out_data_o] },
      { driveReady: options.driveReady ?? 1 },
    ),
  ]);
}

simTest('5000 transactions pass the FIFO in order under random back-pressure and gaps', async ({ sim, dut, random }) => {
  await startAndReset(dut);
  const [driver, monitor] = await fifoStreams(sim, { idleProb: 0.3, driveReady: 0.5 });
  const items = Array.from({ length: 5000 }, () => random.bits(32));
  const before = (await sim.stats()).requests as number;
  await driver.send(...items);
  const received = await monitor.collect(items.length);
  const requests = ((await sim.stats()).requests as number) - before;
  expect(received.map((item) => item.data[0])).toEqual(items);
  for (let i = 1; i < received.length; i++) expect(received[i]!.time > received[i - 1]!.time).toBe(true);
  // Whole transactions per request: a handful of round trips for 5000 beats.
  expect(requests).toBeLessThan(20);
  // Back-pressure and gaps really happened: the bus needed far more cycles than beats.
  expect(Number(received[received.length - 1]!.time - received[0]!.time) / 10_000).toBeGreaterThan(items.length * 1.5);
});

simTest('a monitor can be read with for await', async ({ sim, dut }) => {
  await startAndReset(dut);
  const [driver, monitor] = await fifoStreams(sim);
  driver.send(1, 2, 3, 4, 5);
  const seen: bigint[] = [];
  for await (const item of monitor) {
    seen.push(item.data[0]!);
    if (seen.length === 5) break;
  }
  expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]);
});

simTest('done and idle tell when the driver has finished; drain takes what arrived', async ({ sim, dut }) => {
  await startAndReset(dut);
  const [driver, monitor] = await fifoStreams(sim);
  driver.send(...Array.from({ length: 20 }, (_, i) => i));
  await driver.done(10);
  const partial = await monitor.drain();
  expect(partial.length).toBeGreaterThanOrEqual(5);
  expect(partial.length).toBeLessThan(20);
  await driver.idle();
  await ClockCycles(dut.clk_i, 10);
  const rest = await monitor.drain();
  expect([...partial, ...rest].map((item) => Number(item.data[0]))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  expect(await dut.in_valid_i.value).toBe(0n);
});

simTest('a full FIFO stalls the driver: nothing is lost or duplicated', async ({ sim, dut }) => {
  await startAndReset(dut);
  const [driver, monitor] = await fifoStreams(sim, { driveReady: 0 });
  driver.send(...Array.from({ length: 12 }, (_, i) => 100 + i));
  await ClockCycles(dut.clk_i, 30);
  expect(await dut.fifo_level_o.value).toBe(8n);
  expect((await sim.connection.request('stream_stats', { name: 'fifo_in' })).done).toBe(8);
  expect(await monitor.drain()).toEqual([]);
});

simTest('stream errors: unknown name, duplicate name, clock not generated, wrong item shape', async ({ sim, dut }) => {
  const bus = { name: 'early', clock: dut.clk_i, valid: dut.in_valid_i, ready: dut.in_ready_o, data: [dut.in_data_i] };
  await expect(sim.streamDriver(bus)).rejects.toMatchObject({ code: 'stream_clock_not_generated' });
  await startAndReset(dut);
  const [driver] = await fifoStreams(sim);
  await expect(sim.streamDriver({ ...bus, name: 'fifo_in' })).rejects.toMatchObject({ code: 'duplicate_stream' });
  const unknown = await sim.connection.request('stream_pull', { name: 'nope' }).catch((e: unknown) => e);
  expect(unknown).toBeInstanceOf(BridgeError);
  expect(unknown).toMatchObject({ code: 'unknown_stream' });
  expect(() => driver.send([1, 2])).toThrow(/1 values, not 2/);
  expect(() => driver.send(2n ** 32n)).toThrow(/does not fit/);
});

simTest('items of any width travel as packed words, exactly, both ways; a bad batch is refused whole', async ({ sim, dut, random }) => {
  await startAndReset(dut);
  // No ready: every beat is taken. The monitor watches the same bus, with a narrow signal beside the wide one.
  const driver = await sim.streamDriver({ name: 'wide_in', clock: dut.clk_i, valid: dut.wide_load_i, data: [dut.wide_d_i] });
  const monitor = await sim.streamMonitor({ name: 'wide_seen', clock: dut.clk_i, valid: dut.wide_load_i, data: [dut.wide_d_i, dut.wide_load_i] });
  const top = (1n << 130n) - 1n;
  const values = [0n, 1n, top, 1n << 129n, (1n << 64n) + 5n, 0xffff_ffffn, ...Array.from({ length: 500 }, () => random.bits(130))];
  await driver.send(...values.map((value, i) => (i % 2 ? value : [value])));
  const seen = await monitor.collect(values.length);
  expect(seen.map((item) => item.data[0])).toEqual(values);
  expect(seen.every((item) => item.data[1] === 1n)).toBe(true);
  // Each beat at a rising edge of its own.
  expect(seen.every((item, i) => i === 0 || item.time > seen[i - 1]!.time)).toBe(true);

  // The host refuses a value too wide for its signal before anything is queued.
  expect(() => driver.send(1n, top + 1n)).toThrow(/does not fit wide_d_i \(130 bits\)/);
  expect(driver.sent).toBe(values.length);
  // The bridge refuses what is not whole items, not base64, or too wide, naming why; nothing is queued.
  const push = (words: string) => sim.connection.request('stream_push', { name: 'wide_in', words }).catch((error: unknown) => error);
  await expect(push(Buffer.alloc(16).toString('base64'))).resolves.toMatchObject({ code: 'bad_argument', message: expect.stringMatching(/16 bytes are not whole items of 5 words/) });
  await expect(push('not base64!')).resolves.toMatchObject({ code: 'bad_argument', message: expect.stringMatching(/not base64/) });
  const tooWide = Buffer.alloc(20);
  tooWide.writeUInt32LE(4, 16);
  await expect(push(tooWide.toString('base64'))).resolves.toMatchObject({ code: 'value_too_wide', details: { signal: 'wide_d_i', width: 130, item: 0 } });
  const both = await sim.connection.request('stream_push', { name: 'wide_in', words: '', items: [] }).catch((error: unknown) => error);
  expect(both).toMatchObject({ code: 'bad_argument', message: expect.stringMatching(/not both/) });
  const stats = await sim.connection.request('stream_stats', { name: 'wide_in' });
  expect(stats.queued).toBe(0);
  expect(stats.done).toBe(values.length);
  // JSON items (the protocol's other encoding) still work, and the words come back as JSON items when asked.
  await sim.connection.request('stream_push', { name: 'wide_in', items: [['0x3']] });
  await ClockCycles(dut.clk_i, 3);
  const pulled = await sim.connection.request('stream_pull', { name: 'wide_seen' });
  expect(pulled.items).toEqual([{ data: ['0x3', '0x1'], time: expect.any(Number) }]);
  await expect(sim.connection.request('stream_pull', { name: 'wide_seen', encoding: 'bits' })).rejects.toMatchObject({ code: 'bad_argument', message: expect.stringMatching(/"items" or "words"/) });
});
