// `make sim`: the default regression. Until the mirrored memory system's RTL
// exists this runs the stream regression on the fixture FIFO: random items
// with random gaps and back-pressure, checked in order against a reference
// queue, over several seeds, then a summary table.
import { join } from 'node:path';
import { fixtureDesign } from '../build/design.js';
import { coverageDir, wavesDir } from '../build/paths.js';
import { Clock } from '../sim/clock.js';
import { Random } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';
import { ClockCycles } from '../sim/triggers.js';
import { readKnobs } from './knobs.js';
import { formatRate, formatTable } from './table.js';

interface SeedResult {
  seed: number;
  items: number;
  cycles: number;
  seconds: number;
  mismatches: number;
  firstMismatch: string | undefined;
  waves: string | undefined;
}

const SCENARIOS = ['fifo_stream'] as const;

async function runSeed(seed: number, ops: number, waves: boolean, coverage: boolean): Promise<SeedResult> {
  const random = new Random(seed);
  const wavesFile = waves ? join(wavesDir, 'sim', `fifo_stream-seed${seed}.fst`) : undefined;
  const coverageFile = coverage ? join(coverageDir, 'sim', `fifo_stream-seed${seed}.dat`) : undefined;
  const started = performance.now();
  const sim = await Simulator.start({ design: fixtureDesign, seed, waves: wavesFile, coverageFile });
  try {
    return await sim.runMain(async () => {
      const dut = sim.dut;
      new Clock(dut.clk_i, 10, 'ns').start();
      dut.rst_ni.value = 0;
      await ClockCycles(dut.clk_i, 2);
      dut.rst_ni.value = 1;
      await ClockCycles(dut.clk_i, 1);
      const driver = await sim.streamDriver(
        { name: 'in', clock: dut.clk_i, valid: dut.in_valid_i, ready: dut.in_ready_o, data: [dut.in_data_i] },
        { idleProb: random.float() * 0.5 },
      );
      const monitor = await sim.streamMonitor(
        { name: 'out', clock: dut.clk_i, valid: dut.out_valid_o, ready: dut.out_ready_i, data: [dut.out_data_o] },
        { driveReady: 0.3 + random.float() * 0.7 },
      );
      const expected = Array.from({ length: ops }, () => random.bits(32));
      const startTime = sim.time('ns');
      await driver.send(...expected);
      const received = await monitor.collect(ops);
      let mismatches = 0;
      let firstMismatch: string | undefined;
      received.forEach((item, index) => {
        if (item.data[0] !== expected[index]) {
          mismatches++;
          firstMismatch ??= `item ${index}: expected 0x${expected[index]!.toString(16)}, got 0x${item.data[0]!.toString(16)} at ${item.time} ps`;
        }
      });
      return {
        seed,
        items: ops,
        cycles: Math.round((sim.time('ns') - startTime) / 10),
        seconds: (performance.now() - started) / 1000,
        mismatches,
        firstMismatch,
        waves: wavesFile,
      };
    });
  } finally {
    await sim.close();
  }
}

async function main(): Promise<number> {
  const knobs = readKnobs({ seeds: 4, ops: 20_000 });
  if (knobs.test !== undefined && !(SCENARIOS as readonly string[]).includes(knobs.test)) {
    console.error(`make sim: unknown TEST=${knobs.test}; scenarios: ${SCENARIOS.join(', ')}`);
    return 2;
  }
  console.log(`mirrorsim: fifo_stream regression on the fixture design, seeds ${knobs.seeds.join(', ')}, ${knobs.ops} items each`);
  const results: SeedResult[] = [];
  for (const seed of knobs.seeds) {
    const result = await runSeed(seed, knobs.ops, knobs.waves, knobs.coverage);
    results.push(result);
    if (result.mismatches > 0) {
      console.log(`seed ${seed}: FAILED, ${result.mismatches} mismatches; first: ${result.firstMismatch}`);
      console.log(`  replay with waveforms: make sim SEED=${seed} SEEDS=1 OPS=${knobs.ops} WAVES=1`);
    }
    if (result.waves) console.log(`seed ${seed}: waveform ${result.waves}`);
  }
  const rows = results.map((r) => [
    r.seed,
    r.items,
    r.cycles,
    r.seconds.toFixed(2),
    formatRate(r.cycles / r.seconds),
    r.mismatches === 0 ? 'pass' : `FAIL (${r.mismatches})`,
  ]);
  const total = results.reduce((sum, r) => ({ items: sum.items + r.items, cycles: sum.cycles + r.cycles, seconds: sum.seconds + r.seconds }), {
    items: 0,
    cycles: 0,
    seconds: 0,
  });
  rows.push(['total', total.items, total.cycles, total.seconds.toFixed(2), formatRate(total.cycles / total.seconds), '']);
  console.log(`\n${formatTable(['seed', 'items', 'cycles', 'wall s', 'cycles/s', 'result'], rows)}`);
  const failed = results.filter((r) => r.mismatches > 0).length;
  console.log(`\n${failed === 0 ? 'PASS' : 'FAIL'}: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `make sim: ${error.message}` : error);
    process.exit(1);
  },
);
