// "Did you mean": the closest known names to a misspelt one.

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function lastPart(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Up to `count` names closest to `wanted`, by the whole path or by its last part. */
export function closestNames(wanted: string, names: readonly string[], count = 5): string[] {
  const wantedLast = lastPart(wanted);
  return names
    .map((name) => ({
      name,
      score: Math.min(editDistance(wanted, name), editDistance(wantedLast, lastPart(name)) + 1),
    }))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((entry) => entry.name);
}
