// Builds the fixture model once before the workers start, so tests do not
// queue on the build lock, and prints where the build went.
import { ensureModel } from '../src/build/verilate.js';
import { fixtureDesign } from '../src/build/design.js';

export default async function setup(): Promise<void> {
  const model = await ensureModel(fixtureDesign, { log: (line) => console.log(line) });
  console.log(`[mirrorsim] fixture model: ${model.executable}${model.built ? ' (built)' : ' (cached)'}`);
}
