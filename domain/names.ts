/** "Did you mean …?": the closest of the valid names to a misspelt one. */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/** The valid name closest to `name`, if one is close enough to be a typo (about a third of its length). */
/** Up to `count` of the valid names nearest to `name` (nearest first), for "no such name; closest: …" messages. */
export function nearestNames(name: string, valid: readonly string[], count = 3): string[] {
  return [...new Set(valid)]
    .map((v) => ({ v, d: editDistance(name, v) }))
    .sort((a, b) => a.d - b.d || a.v.localeCompare(b.v))
    .slice(0, count)
    .map((x) => x.v);
}

export function closestMatch(name: string, valid: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const v of valid) {
    const distance = editDistance(name, v);
    if (!best || distance < best.distance) best = { name: v, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** A DNS name as Route 53 stores it: lower case, with the final dot. */
export function fqdn(name: string): string {
  return (name.endsWith('.') ? name : `${name}.`).toLowerCase();
}

/**
 * What a record set answers, its TTL aside: its values (sorted), or its alias target; `none` when it has
 * neither (or does not exist). One wording for plans, drift checks and rollbacks.
 */
export function answersOf(r: { ResourceRecords?: Array<{ Value?: string }>; AliasTarget?: { DNSName?: string } } | null | undefined, none = 'nothing'): string {
  return r?.AliasTarget
    ? `alias ${fqdn(r.AliasTarget.DNSName ?? '')}`
    : (r?.ResourceRecords ?? [])
        .map((v) => v.Value ?? '')
        .sort()
        .join(', ') || none;
}
