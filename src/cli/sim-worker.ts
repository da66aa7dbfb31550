// A `make sim` worker process (JOBS= > 1): runs the seeds its parent sends,
// one at a time, and sends back each seed's outcome with the lines it
// printed. It ends when its parent closes the channel — or vanishes: a
// worker never outlives its regression (its simulators end with it).
import { getEachMessage, sendMessage } from 'execa';
import { runSeed, type SeedJob } from './sim-seed.js';

process.once('disconnect', () => process.exit(0));

for await (const message of getEachMessage()) {
  const job = message as unknown as SeedJob;
  const lines: string[] = [];
  const outcome = await runSeed(job, (line) => lines.push(line));
  await sendMessage({ outcome, lines } as never);
}
