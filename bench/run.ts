// `make bench`: how fast the bridge is, as ratios measured in one run.
//   - round trip: a TypeScript request to the bridge vs a raw blocking ZeroMQ
//     REQ/REP round trip between two C++ processes;
//   - cycles/s of the fixture FIFO: a bare C++ loop (no host, the ceiling),
//     one round trip per clock edge (cocotb's style), ClockCycles(N), and a
//     stream driver + monitor moving transactions;
//   - the fraction of the bridge's wall time spent inside eval().
// Prints a table and writes build/bench/bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { fifoBenchDesign } from '../src/build/design.js';
import { buildDir, repoRoot } from '../src/build/paths.js';
import { ensureModel, type Harness } from '../src/build/verilate.js';
import { formatRate, formatTable } from '../src/cli/table.js';
import { Clock } from '../src/sim/clock.js';
import { Simulator } from '../src/sim/simulator.js';
import { ClockCycles, RisingEdge } from '../src/sim/triggers.js';
import { mirrorCeiling } from './mirror-ceiling.js';
import { simParallel } from './sim-parallel.js';

const benchDir = join(buildDir, 'bench');
const nativeDir = join(repoRoot, 'bench', 'native');
const CLOCK_NS = 10;

interface Latency {
  round_trips: number;
  mean_us: number;
  p50_us: number;
  p99_us: number;
}

function latencyOf(samplesUs: number[]): Latency {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  return {
    round_trips: sorted.length,
    mean_us: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
    p50_us: sorted[Math.floor(sorted.length * 0.5)]!,
    p99_us: sorted[Math.floor(sorted.length * 0.99)]!,
  };
}

async function rawZmqRoundTrip(roundTrips: number): Promise<Latency> {
  const exe = join(benchDir, 'zmq_pingpong');
  await execa('g++', ['-O2', '-std=c++17', join(nativeDir, 'zmq_pingpong.cpp'), '-lzmq', '-o', exe]);
  const endpoint = `ipc://${join(benchDir, `pingpong-${process.pid}.sock`)}`;
  const server = execa(exe, ['server', endpoint], { reject: false });
  try {
    const client = await execa(exe, ['client', endpoint, String(roundTrips), '64']);
    return JSON.parse(client.stdout) as Latency;
  } finally {
    server.kill('SIGKILL');
    await server;
  }
}

async function bareLoop(cycles: number): Promise<{ cycles_per_s: number }> {
  const harness: Harness = {
    name: 'bare',
    sources: [join(nativeDir, 'bare_fifo.cpp')],
    cflags: [],
    ldflags: [],
    executable: 'bare_fifo',
  };
  const model = await ensureModel(fifoBenchDesign, { harness, log: console.log });
  const run = await execa(model.executable, [String(cycles)]);
  return JSON.parse(run.stdout) as { cycles_per_s: number };
}

function startFifo(sim: Simulator): void {
  const dut = sim.dut;
  new Clock(dut.clk_i, CLOCK_NS, 'ns').start();
  dut.out_ready_i.value = 1;
}

async function reset(sim: Simulator): Promise<void> {
  sim.dut.rst_ni.value = 0;
  await ClockCycles(sim.dut.clk_i, 2);
  sim.dut.rst_ni.value = 1;
  await ClockCycles(sim.dut.clk_i, 1);
}

async function withSimulator<T>(body: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await Simulator.start({ design: fifoBenchDesign, onBuild: console.log });
  try {
    return await sim.runMain(() => body(sim));
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(benchDir, { recursive: true });
  const roundTrips = 20_000;

  const raw = await rawZmqRoundTrip(roundTrips);
  const bare = await bareLoop(20_000_000);

  const results = await withSimulator(async (sim) => {
    startFifo(sim);
    await reset(sim);
    // Host round trip (a minimal request, as the scheduler makes them) and
    // cocotb's style (wake on every rising edge, write three inputs), in
    // alternating blocks: the machine's speed drifts over seconds, and the
    // ratio of the two must not measure the drift.
    const blocks = 10;
    const perBlock = roundTrips / blocks;
    for (let i = 0; i < 1000; i++) {
      await sim.connection.request('ping');
      await RisingEdge(sim.dut.clk_i);
    }
    const samples: number[] = [];
    let perEdgeMs = 0;
    for (let block = 0; block < blocks; block++) {
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now();
        await sim.connection.request('ping');
        samples.push((performance.now() - t0) * 1000);
      }
      const t0 = performance.now();
      for (let i = 0; i < perBlock; i++) {
        await RisingEdge(sim.dut.clk_i);
        sim.dut.in_valid_i.value = 1;
        sim.dut.in_data_i.value = i;
        sim.dut.out_ready_i.value = i & 1;
      }
      perEdgeMs += performance.now() - t0;
    }
    const bridge = latencyOf(samples);
    const perEdge = roundTrips / (perEdgeMs / 1000);
    sim.dut.in_valid_i.value = 0;

    // ClockCycles(N): the host waits once, the bridge counts edges.
    const waitCycles = 5_000_000;
    const t0 = performance.now();
    await ClockCycles(sim.dut.clk_i, waitCycles);
    const clockCycles = waitCycles / ((performance.now() - t0) / 1000);
    return { bridge, perEdge, clockCycles };
  });

  // Streams in a fresh simulator, with eval() profiling on for the fraction.
  const streamed = await withSimulator(async (sim) => {
    const dut = sim.dut;
    startFifo(sim);
    await reset(sim);
    const driver = await sim.streamDriver({ name: 'in', clock: dut.clk_i, valid: dut.in_valid_i, ready: dut.in_ready_o, data: [dut.in_data_i] });
    const monitor = await sim.streamMonitor({ name: 'out', clock: dut.clk_i, valid: dut.out_valid_o, ready: dut.out_ready_i, data: [dut.out_data_o] });
    // End to end: the host encodes, pushes, pulls and decodes every item.
    const items = 1_000_000;
    const chunk = 100_000;
    let startNs = sim.time('ns');
    let t0 = performance.now();
    let received = 0;
    for (let sent = 0; sent < items; sent += chunk) {
      driver.send(...Array.from({ length: chunk }, (_, i) => (sent + i) >>> 0));
      received += (await monitor.collect(chunk)).length;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cycles = (sim.time('ns') - startNs) / CLOCK_NS;

    // In the simulator: the items are queued (and decoded by the bridge)
    // first, not timed; the timed
    // part is the bridge moving them through the FIFO, cycle by cycle, with
    // the monitor recording every beat.
    const queued = 2_000_000;
    for (let sent = 0; sent < queued; sent += chunk) {
      driver.send(...Array.from({ length: chunk }, (_, i) => (sent + i) >>> 0));
    }
    await sim.scheduler.sendNow({ cmd: 'ping' });
    const doneBefore = driver.sent - queued;
    startNs = sim.time('ns');
    t0 = performance.now();
    await driver.done(doneBefore + queued);
    const inBridgeSeconds = (performance.now() - t0) / 1000;
    const inBridgeCycles = (sim.time('ns') - startNs) / CLOCK_NS;
    await monitor.drain();

    // eval() share, measured on a separate stretch with profiling on (timing
    // every eval() costs time itself, so it is not done during the rate run).
    await sim.connection.request('profile', { enable: true });
    const before = await sim.stats();
    await ClockCycles(dut.clk_i, 2_000_000);
    const after = await sim.stats();
    const evalShare = ((after.eval_ns as number) - (before.eval_ns as number)) / ((after.wall_ns as number) - (before.wall_ns as number));
    return {
      itemsPerS: received / seconds,
      cyclesPerS: cycles / seconds,
      inBridgeItemsPerS: queued / inBridgeSeconds,
      inBridgeCyclesPerS: inBridgeCycles / inBridgeSeconds,
      evalShare,
    };
  });

  const report = {
    machine: { cores: (await import('node:os')).cpus().length, node: process.version },
    round_trip: {
      raw_cpp_req_rep: raw,
      bridge_from_typescript: results.bridge,
      ratio_bridge_to_raw: results.bridge.mean_us / raw.mean_us,
      ratio_bridge_to_raw_p50: results.bridge.p50_us / raw.p50_us,
      per_edge_vs_one_per_round_trip: results.perEdge / (1e6 / results.bridge.mean_us),
    },
    cycles_per_s: {
      bare_cpp_loop: bare.cycles_per_s,
      one_round_trip_per_edge: results.perEdge,
      clock_cycles_wait: results.clockCycles,
      stream_driver_monitor_in_bridge: streamed.inBridgeCyclesPerS,
      stream_end_to_end_with_host: streamed.cyclesPerS,
    },
    stream_items_per_s: { in_bridge: streamed.inBridgeItemsPerS, end_to_end_with_host: streamed.itemsPerS },
    ratios: {
      stream_vs_per_edge: streamed.inBridgeItemsPerS / results.perEdge,
      stream_end_to_end_vs_per_edge: streamed.itemsPerS / results.perEdge,
      stream_vs_bare_loop: streamed.inBridgeCyclesPerS / bare.cycles_per_s,
      clock_cycles_vs_bare_loop: results.clockCycles / bare.cycles_per_s,
    },
    eval_share_of_wall_time: streamed.evalShare,
    mirror_ceiling: await mirrorCeiling(),
    make_sim_parallel: await simParallel(),
  };
  writeFileSync(join(benchDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);

  console.log('\nround trip (µs)');
  console.log(
    formatTable(
      ['path', 'mean', 'p50', 'p99'],
      [
        ['raw C++ REQ/REP, both blocking', raw.mean_us.toFixed(1), raw.p50_us.toFixed(1), raw.p99_us.toFixed(1)],
        ['TypeScript host -> bridge', results.bridge.mean_us.toFixed(1), results.bridge.p50_us.toFixed(1), results.bridge.p99_us.toFixed(1)],
      ],
    ),
  );
  console.log(
    `bridge / raw: ${report.round_trip.ratio_bridge_to_raw.toFixed(2)}x by mean, ${report.round_trip.ratio_bridge_to_raw_p50.toFixed(2)}x by median (target <= 1)`,
  );
  console.log(
    `one round trip per edge (three writes + RisingEdge): ${formatRate(results.perEdge)} cycles/s = ${report.round_trip.per_edge_vs_one_per_round_trip.toFixed(2)} x 1/round trip (target >= 0.9)`,
  );
  console.log('\nfixture FIFO');
  console.log(
    formatTable(
      ['mode', 'cycles/s', 'vs bare loop'],
      [
        ['bare C++ loop, no host', formatRate(bare.cycles_per_s), '1.00'],
        ['one round trip per edge', formatRate(results.perEdge), (results.perEdge / bare.cycles_per_s).toFixed(4)],
        ['ClockCycles(N)', formatRate(results.clockCycles), (results.clockCycles / bare.cycles_per_s).toFixed(2)],
        ['stream driver + monitor (in bridge)', formatRate(streamed.inBridgeCyclesPerS), (streamed.inBridgeCyclesPerS / bare.cycles_per_s).toFixed(2)],
        ['stream, end to end with the host', formatRate(streamed.cyclesPerS), (streamed.cyclesPerS / bare.cycles_per_s).toFixed(2)],
      ],
    ),
  );
  console.log(`stream items/s vs one-round-trip-per-edge items/s: ${report.ratios.stream_vs_per_edge.toFixed(0)}x in the bridge, ${report.ratios.stream_end_to_end_vs_per_edge.toFixed(0)}x end to end with host encoding (target >= 100)`);
  console.log(`stream cycles/s vs bare loop: ${(report.ratios.stream_vs_bare_loop * 100).toFixed(0)}% (target >= 50%)`);
  console.log(`time inside eval() while running: ${(streamed.evalShare * 100).toFixed(0)}% of the bridge's wall time`);
  const jobs = report.make_sim_parallel;
  console.log(`\nmake sim, serial vs JOBS=2 (${jobs.command}, ${jobs.seeds} seeds, ${formatRate(jobs.simulated_cycles)} cycles)`);
  console.log(
    formatTable(
      ['jobs', 'wall s', 'cycles/s'],
      [
        ['1', jobs.serial.wall_s.toFixed(1), formatRate(jobs.serial.cycles_per_s)],
        ['2', jobs.jobs2.wall_s.toFixed(1), formatRate(jobs.jobs2.cycles_per_s)],
      ],
    ),
  );
  console.log(`JOBS=2 / serial: ${jobs.speedup.toFixed(2)}x throughput; runs agree seed for seed: ${jobs.runs_agree}`);
  console.log(`\nwritten: ${join(benchDir, 'bench.json')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
