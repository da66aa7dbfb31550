// For tests: what GTKWave itself makes of a dump and its save file, asked
// through its Tcl interface on a virtual display (xvfb-run). Undefined when
// this machine has no gtkwave or no xvfb-run (make deps installs both).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface GtkwaveView {
  displayed: string[];
  marker: number;
  markerA: number;
  start: number;
  end: number;
}

const SCRIPT = `puts "DISPLAYED: [gtkwave::getDisplayedSignals]"
puts "MARKER: [gtkwave::getMarker]"
puts "MARKER_A: [gtkwave::getNamedMarker A]"
puts "START: [gtkwave::getWindowStartTime]"
puts "END: [gtkwave::getWindowEndTime]"
gtkwave::/File/Quit
`;

async function available(tool: string): Promise<boolean> {
  return (await execa('which', [tool], { reject: false })).exitCode === 0;
}

export async function gtkwaveView(fst: string, gtkw: string): Promise<GtkwaveView | undefined> {
  if (!(await available('gtkwave')) || !(await available('xvfb-run'))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-gtkwave-'));
  try {
    const script = join(dir, 'view.tcl');
    writeFileSync(script, SCRIPT);
    const { stdout } = await execa('xvfb-run', ['-a', 'gtkwave', '-S', script, fst, gtkw], { timeout: 120_000, env: { HOME: dir } });
    const field = (name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(stdout)?.[1]?.trim() ?? '';
    return {
      displayed: field('DISPLAYED').split(/\s+/).filter(Boolean),
      marker: Number(field('MARKER')),
      markerA: Number(field('MARKER_A')),
      start: Number(field('START')),
      end: Number(field('END')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
