/**
 * IPv4/IPv6 prefix arithmetic for BYOIP planning. Pure functions, no AWS.
 * IPv4 addresses are held as unsigned 32-bit numbers; IPv6 as BigInt.
 */
import { addressWorld, DOCUMENTATION_ONLY_IN_REHEARSAL, type AddressWorld } from './world';

export interface Ipv4Cidr {
  readonly family: 4;
  readonly base: number; // network address, unsigned
  readonly prefix: number;
}

export interface Ipv6Cidr {
  readonly family: 6;
  readonly base: bigint;
  readonly prefix: number;
}

export type Cidr = Ipv4Cidr | Ipv6Cidr;

export class CidrError extends Error {
  override name = 'CidrError';
}

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(address: string): number {
  const m = IPV4_RE.exec(address);
  if (!m) throw new CidrError(`"${address}" is not an IPv4 address`);
  const octets = m.slice(1).map((o) => {
    if (o.length > 1 && o.startsWith('0')) throw new CidrError(`"${address}" has a leading zero in an octet`);
    const n = Number(o);
    if (n > 255) throw new CidrError(`"${address}" has an octet above 255`);
    return n;
  });
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskV4(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function parseIpv6(address: string): bigint {
  if (!/^[0-9a-fA-F:]+$/.test(address) || address.split('::').length > 2) {
    throw new CidrError(`"${address}" is not an IPv6 address`);
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) {
    throw new CidrError(`"${address}" does not have eight groups`);
  }
  const groups = [...headParts, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  let value = 0n;
  for (const g of groups) {
    if (g.length === 0 || g.length > 4) throw new CidrError(`"${address}" has an invalid group "${g}"`);
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

export function formatIpv6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

const V6_ALL = (1n << 128n) - 1n;
function maskV6(prefix: number): bigint {
  return prefix === 0 ? 0n : (V6_ALL << BigInt(128 - prefix)) & V6_ALL;
}

/** Parses "a.b.c.d/n" or an IPv6 prefix. Host bits must be zero unless `allowHostBits`. */
export function parseCidr(text: string, opts: { allowHostBits?: boolean } = {}): Cidr {
  if (typeof text !== 'string') throw new CidrError('CIDR must be a string');
  const slash = text.indexOf('/');
  if (slash < 0) throw new CidrError(`"${text}" has no prefix length (expected address/length)`);
  const addr = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) throw new CidrError(`"${text}" has an invalid prefix length`);
  const prefix = Number(lenText);
  if (addr.includes(':')) {
    if (prefix > 128) throw new CidrError(`"${text}" has a prefix length above 128`);
    const value = parseIpv6(addr);
    const base = value & maskV6(prefix);
    if (base !== value && !opts.allowHostBits) {
      throw new CidrError(`"${text}" has host bits set (did you mean ${formatIpv6(base)}/${prefix}?)`);
    }
    return { family: 6, base, prefix };
  }
  if (prefix > 32) throw new CidrError(`"${text}" has a prefix length above 32`);
  const value = parseIpv4(addr);
  const base = (value & maskV4(prefix)) >>> 0;
  if (base !== value && !opts.allowHostBits) {
    throw new CidrError(`"${text}" has host bits set (did you mean ${formatIpv4(base)}/${prefix}?)`);
  }
  return { family: 4, base, prefix };
}

export function formatCidr(c: Cidr): string {
  return c.family === 4 ? `${formatIpv4(c.base)}/${c.prefix}` : `${formatIpv6(c.base)}/${c.prefix}`;
}

/** AWS canonicalizes CIDRs (100.68.0.18/18 → 100.68.0.0/18); do the same before comparing. */
export function canonicalCidr(text: string): string {
  return formatCidr(parseCidr(text, { allowHostBits: true }));
}

export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
}

function lastAddress(c: Cidr): bigint {
  return BigInt(c.base) + cidrSize(c) - 1n;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  return BigInt(inner.base) >= BigInt(outer.base) && lastAddress(inner) <= lastAddress(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return BigInt(a.base) <= lastAddress(b) && BigInt(b.base) <= lastAddress(a);
}

export function containsAddress(c: Cidr, address: string): boolean {
  if (c.family === 4) {
    if (address.includes(':')) return false;
    const a = parseIpv4(address);
    return (a & maskV4(c.prefix)) >>> 0 === c.base;
  }
  if (!address.includes(':')) return false;
  return (parseIpv6(address) & maskV6(c.prefix)) === c.base;
}

/** Splits a block into its sub-prefixes of length `prefix` (e.g. a /22 into four /24s). */
export function subnets(c: Cidr, prefix: number): Cidr[] {
  if (prefix < c.prefix) throw new CidrError(`cannot split /${c.prefix} into larger /${prefix} blocks`);
  const count = 1 << Math.min(prefix - c.prefix, 16);
  if (prefix - c.prefix > 16) throw new CidrError(`refusing to enumerate more than 65536 subnets`);
  const out: Cidr[] = [];
  if (c.family === 4) {
    const step = 2 ** (32 - prefix);
    for (let i = 0; i < count; i++) out.push({ family: 4, base: (c.base + i * step) >>> 0, prefix });
  } else {
    const step = 1n << BigInt(128 - prefix);
    for (let i = 0; i < count; i++) out.push({ family: 6, base: c.base + BigInt(i) * step, prefix });
  }
  return out;
}

/** The n-th host address of a prefix (0 = network address). */
export function nthAddress(c: Cidr, n: number): string {
  if (BigInt(n) >= cidrSize(c)) throw new CidrError(`address ${n} is outside ${formatCidr(c)}`);
  return c.family === 4 ? formatIpv4((c.base + n) >>> 0) : formatIpv6(c.base + BigInt(n));
}

interface SpecialRange {
  cidr: string;
  name: string;
  use: 'never' | 'documentation';
}

/**
 * The IANA special-purpose registries (iana-ipv4-special-registry, iana-ipv6-special-registry), plus
 * multicast and the reserved blocks: none of it can be brought to AWS. "documentation" (TEST-NET,
 * benchmarking, the IPv6 documentation prefixes) is accepted only in a rehearsal (domain/world.ts),
 * so the examples run in the simulator and a real deployment refuses them.
 */
export const SPECIAL_PURPOSE: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', name: '"this network" (RFC 791)', use: 'never' },
  { cidr: '10.0.0.0/8', name: 'private-use (RFC 1918)', use: 'never' },
  { cidr: '100.64.0.0/10', name: 'shared address space, carrier-grade NAT (RFC 6598)', use: 'never' },
  { cidr: '127.0.0.0/8', name: 'loopback (RFC 1122)', use: 'never' },
  { cidr: '169.254.0.0/16', name: 'link-local (RFC 3927)', use: 'never' },
  { cidr: '172.16.0.0/12', name: 'private-use (RFC 1918)', use: 'never' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments (RFC 6890)', use: 'never' },
  { cidr: '192.0.2.0/24', name: 'TEST-NET-1, documentation (RFC 5737)', use: 'documentation' },
  { cidr: '192.31.196.0/24', name: 'AS112-v4 (RFC 7535)', use: 'never' },
  { cidr: '192.52.193.0/24', name: 'AMT (RFC 7450)', use: 'never' },
  { cidr: '192.88.99.0/24', name: 'deprecated 6to4 relay anycast (RFC 7526)', use: 'never' },
  { cidr: '192.168.0.0/16', name: 'private-use (RFC 1918)', use: 'never' },
  { cidr: '192.175.48.0/24', name: 'direct delegation AS112 service (RFC 7534)', use: 'never' },
  { cidr: '198.18.0.0/15', name: 'benchmarking (RFC 2544)', use: 'documentation' },
  { cidr: '198.51.100.0/24', name: 'TEST-NET-2, documentation (RFC 5737)', use: 'documentation' },
  { cidr: '203.0.113.0/24', name: 'TEST-NET-3, documentation (RFC 5737)', use: 'documentation' },
  { cidr: '224.0.0.0/4', name: 'multicast (RFC 5771)', use: 'never' },
  { cidr: '240.0.0.0/4', name: 'reserved (RFC 1112), with the limited broadcast address', use: 'never' },
  { cidr: '::/128', name: 'unspecified address (RFC 4291)', use: 'never' },
  { cidr: '::1/128', name: 'loopback (RFC 4291)', use: 'never' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped addresses (RFC 4291)', use: 'never' },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 translation (RFC 6052)', use: 'never' },
  { cidr: '64:ff9b:1::/48', name: 'local-use IPv4-IPv6 translation (RFC 8215)', use: 'never' },
  { cidr: '100::/64', name: 'discard-only (RFC 6666)', use: 'never' },
  { cidr: '100:0:0:1::/64', name: 'dummy IPv6 prefix (RFC 9780)', use: 'never' },
  { cidr: '2001::/23', name: 'IETF protocol assignments: Teredo, benchmarking, AMT, AS112, ORCHID (RFC 2928)', use: 'never' },
  { cidr: '2001:db8::/32', name: 'documentation (RFC 3849)', use: 'documentation' },
  { cidr: '2002::/16', name: '6to4 (RFC 3056)', use: 'never' },
  { cidr: '2620:4f:8000::/48', name: 'direct delegation AS112 service (RFC 7534)', use: 'never' },
  { cidr: '3fff::/20', name: 'documentation (RFC 9637)', use: 'documentation' },
  { cidr: '5f00::/16', name: 'segment routing SIDs (RFC 9602)', use: 'never' },
  { cidr: 'fc00::/7', name: 'unique local, private (RFC 4193)', use: 'never' },
  { cidr: 'fe80::/10', name: 'link-local unicast (RFC 4291)', use: 'never' },
  { cidr: 'ff00::/8', name: 'multicast (RFC 4291)', use: 'never' },
];
const SPECIAL_PARSED = SPECIAL_PURPOSE.map((r) => ({ ...r, block: parseCidr(r.cidr) }));
const GLOBAL_UNICAST = parseCidr('2000::/3');

/**
 * Why a prefix can never be brought to AWS as public space, or undefined when it can. Documentation
 * space passes only in a rehearsal, and only when the prefix lies wholly inside it.
 */
export function nonPublicReason(c: Cidr, world: AddressWorld = addressWorld()): string | undefined {
  for (const r of SPECIAL_PARSED) {
    if (!overlaps(c, r.block)) continue;
    if (r.use === 'documentation' && world === 'rehearsal' && contains(r.block, c)) continue;
    if (r.use === 'documentation' && contains(r.block, c)) return `is in ${r.cidr}, ${r.name}; ${DOCUMENTATION_ONLY_IN_REHEARSAL}`;
    return `overlaps ${r.cidr}, ${r.name}`;
  }
  if (c.family === 6 && !contains(GLOBAL_UNICAST, c)) return 'is outside global unicast 2000::/3';
  return undefined;
}

/** Sorts prefixes by family, address, then length; stable for diffs and reports. */
export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  const ab = BigInt(a.base);
  const bb = BigInt(b.base);
  if (ab !== bb) return ab < bb ? -1 : 1;
  return a.prefix - b.prefix;
}
