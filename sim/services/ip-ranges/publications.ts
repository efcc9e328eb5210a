/**
 * A deterministic generator of AWS-shaped ip-ranges.json documents (thousands of prefixes across
 * realistic services and Regions, CLOUDFRONT_ORIGIN_FACING in IPv4 and IPv6, syncToken, createDate),
 * and a series of publications that change it. No copy of AWS's file: every address is drawn from a
 * seeded generator, so the same world always serves byte-identical documents (and md5s).
 */
import { createHash } from 'node:crypto';
import { formatCidr, nonPublicReason, parseCidr } from '../../../domain/cidr';
import { seededRandom } from '../../random';

export interface IpRangesOptions {
  seed: number;
  /** Distinct IPv4 / IPv6 prefixes in the first publication (each also listed under AMAZON, as AWS does). */
  ipv4Prefixes: number;
  ipv6Prefixes: number;
  originFacingIpv4: number;
  originFacingIpv6: number;
}

export interface PublicationSpec {
  /** ISO time the version was created (its syncToken is that time in epoch seconds). */
  createdAt?: string;
  /** Prefixes of other services added and removed (ordinary churn). */
  churn?: number;
  originFacing?: { addIpv4?: number; removeIpv4?: number; addIpv6?: number; removeIpv6?: number };
}

export interface Entry4 {
  ip_prefix: string;
  region: string;
  service: string;
  network_border_group: string;
}
export interface Entry6 {
  ipv6_prefix: string;
  region: string;
  service: string;
  network_border_group: string;
}

export interface Publication {
  index: number;
  syncToken: string;
  createDate: string;
  createdAt: string;
  prefixes: Entry4[];
  ipv6_prefixes: Entry6[];
}

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'ca-west-1',
  'sa-east-1',
  'mx-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-south-1',
  'ap-south-2',
  'ap-east-1',
  'me-south-1',
  'me-central-1',
  'il-central-1',
  'af-south-1',
];

/** Services and their share of the prefixes (CloudFront's own sets are sized by the options). */
const SERVICES: Array<[string, number]> = [
  ['EC2', 52],
  ['S3', 6],
  ['ROUTE53_HEALTHCHECKS', 1],
  ['ROUTE53', 1],
  ['ROUTE53_RESOLVER', 2],
  ['CLOUDFRONT', 4],
  ['GLOBALACCELERATOR', 3],
  ['API_GATEWAY', 4],
  ['DYNAMODB', 2],
  ['CODEBUILD', 1],
  ['EC2_INSTANCE_CONNECT', 1],
  ['KINESIS_VIDEO_STREAMS', 1],
  ['AMAZON_CONNECT', 1],
  ['CHIME_VOICECONNECTOR', 1],
  ['CHIME_MEETINGS', 1],
  ['WORKSPACES_GATEWAYS', 1],
  ['CLOUD9', 1],
  ['AMAZON_APPFLOW', 1],
  ['EBS', 1],
  ['IVS_REALTIME', 1],
];
const GLOBAL_SERVICES = new Set(['CLOUDFRONT', 'CLOUDFRONT_ORIGIN_FACING', 'ROUTE53', 'GLOBALACCELERATOR']);

/** First octets AWS-like space is drawn from (all public). */
const V4_FIRST = [
  3, 13, 15, 16, 18, 23, 34, 35, 43, 44, 46, 50, 51, 52, 54, 56, 57, 63, 64, 65, 67, 70, 71, 72, 75, 76, 79, 87, 96, 99, 107, 108, 111, 120, 130, 143, 150, 151,
  157, 161, 162, 175, 176, 184, 185, 204, 205, 216,
];
// Checked once: every draw from these octets is public space.
for (const o of V4_FIRST) if (nonPublicReason(parseCidr(`${o}.0.0.0/8`))) throw new Error(`${o}.0.0.0/8 is not public`);
const V6_BLOCKS = ['2600:1f00::', '2600:9000::', '2a05:d000::', '2406:da00::', '2404:c2c0::', '2a01:578::', '2406:daf8::'];

class Draw {
  constructor(private readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  weighted(items: Array<[string, number]>): string {
    const total = items.reduce((n, [, w]) => n + w, 0);
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }
  v4(used: Set<string>, lengths: number[]): string {
    for (;;) {
      const prefix = this.pick(lengths);
      const raw = ((this.pick(V4_FIRST) << 24) | (this.int(256) << 16) | (this.int(256) << 8) | this.int(256)) >>> 0;
      const base = prefix === 0 ? 0 : (raw & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
      const cidr = formatCidr({ family: 4, base, prefix });
      if (used.has(cidr)) continue;
      used.add(cidr);
      return cidr;
    }
  }
  v6(used: Set<string>, lengths: number[]): string {
    for (;;) {
      const prefix = this.pick(lengths);
      const block = parseCidr(`${this.pick(V6_BLOCKS)}/32`).base as bigint;
      let value = block;
      for (let bit = 32; bit < prefix; bit += 8) value |= BigInt(this.int(256)) << BigInt(120 - bit);
      const base = value & (((1n << 128n) - 1n) << BigInt(128 - prefix)) & ((1n << 128n) - 1n);
      const cidr = formatCidr({ family: 6, base, prefix });
      if (used.has(cidr)) continue;
      used.add(cidr);
      return cidr;
    }
  }
}

interface Prefix {
  cidr: string;
  region: string;
  service: string;
  border: string;
  key: string;
}

function region(d: Draw, service: string): { region: string; border: string } {
  if (GLOBAL_SERVICES.has(service)) return { region: 'GLOBAL', border: 'GLOBAL' };
  const r = d.pick(REGIONS);
  // A few EC2 prefixes sit in Local Zones, as in the real file.
  const border = service === 'EC2' && d.int(40) === 0 ? `${r}-${d.pick(['atl', 'bos', 'chi', 'dfw', 'lax', 'mia'])}-1` : r;
  return { region: r, border };
}

function newPrefix(d: Draw, used: Set<string>, family: 4 | 6, service: string): Prefix {
  const cidr =
    family === 4
      ? d.v4(
          used,
          service === 'CLOUDFRONT_ORIGIN_FACING'
            ? [16, 18, 19, 20, 21, 22, 23, 24]
            : [12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 22, 23, 24, 24, 24, 25, 26, 27, 28, 32],
        )
      : d.v6(used, service === 'CLOUDFRONT_ORIGIN_FACING' ? [40, 44, 48, 56] : [36, 40, 44, 46, 48, 52, 56, 56, 56, 64]);
  return { cidr, service, key: sortKey(cidr), ...region(d, service) };
}

function createDate(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

/** Address order, computed once per prefix (sorting thousands of entries by parsing is slow). */
function sortKey(cidr: string): string {
  const c = parseCidr(cidr);
  return `${c.family === 4 ? c.base.toString(16).padStart(8, '0') : c.base.toString(16).padStart(32, '0')}/${String(c.prefix).padStart(3, '0')}`;
}

function byCidr(a: Prefix, b: Prefix): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.service < b.service ? -1 : a.service > b.service ? 1 : 0;
}

function render(index: number, createdAt: string, v4: Prefix[], v6: Prefix[]): Publication {
  // Each prefix under its service, and again under AMAZON (the superset), as AWS lists them.
  const expand = (list: Prefix[]) => [...list, ...list.filter((p) => p.service !== 'AMAZON').map((p) => ({ ...p, service: 'AMAZON' }))].sort(byCidr);
  return {
    index,
    createdAt,
    syncToken: String(Math.floor(Date.parse(createdAt) / 1000)),
    createDate: createDate(createdAt),
    prefixes: expand(v4).map((p) => ({ ip_prefix: p.cidr, region: p.region, service: p.service, network_border_group: p.border })),
    ipv6_prefixes: expand(v6).map((p) => ({ ipv6_prefix: p.cidr, region: p.region, service: p.service, network_border_group: p.border })),
  };
}

/** Every publication of a world, in order (publication i builds on i-1). */
export function generatePublications(opts: IpRangesOptions, specs: PublicationSpec[], defaultTimes: string[]): Publication[] {
  const d = new Draw(seededRandom(opts.seed));
  const used = new Set<string>();
  const v4: Prefix[] = [];
  const v6: Prefix[] = [];
  for (let i = 0; i < opts.originFacingIpv4; i++) v4.push(newPrefix(d, used, 4, 'CLOUDFRONT_ORIGIN_FACING'));
  for (let i = 0; i < opts.originFacingIpv6; i++) v6.push(newPrefix(d, used, 6, 'CLOUDFRONT_ORIGIN_FACING'));
  while (v4.length < opts.ipv4Prefixes) v4.push(newPrefix(d, used, 4, d.weighted(SERVICES)));
  while (v6.length < opts.ipv6Prefixes) v6.push(newPrefix(d, used, 6, d.weighted(SERVICES)));
  const out: Publication[] = [];
  specs.forEach((spec, index) => {
    if (index > 0) {
      const churn = spec.churn ?? 10;
      const change = (list: Prefix[], family: 4 | 6, add: number, remove: number, service?: string) => {
        for (let k = 0; k < remove; k++) {
          const candidates = list.map((p, i) => [p, i] as const).filter(([p]) => (service ? p.service === service : p.service !== 'CLOUDFRONT_ORIGIN_FACING'));
          if (candidates.length === 0) break;
          list.splice(candidates[d.int(candidates.length)][1], 1);
        }
        for (let k = 0; k < add; k++) list.push(newPrefix(d, used, family, service ?? d.weighted(SERVICES)));
      };
      change(v4, 4, churn, churn);
      change(v6, 6, Math.ceil(churn / 3), Math.ceil(churn / 3));
      const of = spec.originFacing ?? {};
      change(v4, 4, of.addIpv4 ?? 0, of.removeIpv4 ?? 0, 'CLOUDFRONT_ORIGIN_FACING');
      change(v6, 6, of.addIpv6 ?? 0, of.removeIpv6 ?? 0, 'CLOUDFRONT_ORIGIN_FACING');
    }
    out.push(render(index, spec.createdAt ?? defaultTimes[index], v4, v6));
  });
  return out;
}

/** The document's bytes: AWS's layout (two-space indented JSON, one key per line). */
export function documentText(p: Publication): string {
  return `${JSON.stringify({ syncToken: p.syncToken, createDate: p.createDate, prefixes: p.prefixes, ipv6_prefixes: p.ipv6_prefixes }, null, 2)}\n`;
}

export function documentMd5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export function originFacing(p: Publication): { ipv4: string[]; ipv6: string[] } {
  return {
    ipv4: p.prefixes.filter((x) => x.service === 'CLOUDFRONT_ORIGIN_FACING').map((x) => x.ip_prefix),
    ipv6: p.ipv6_prefixes.filter((x) => x.service === 'CLOUDFRONT_ORIGIN_FACING').map((x) => x.ipv6_prefix),
  };
}

/**
 * The SNS event AmazonIpSpaceChanged delivers to a subscribed Lambda for a publication (the md5 may be
 * overridden to rehearse a corrupted download).
 */
export function ipSpaceChangedEvent(p: { syncToken: string; createdAt: string; md5: string }, opts: { md5?: string; url?: string; messageId?: string } = {}) {
  const message = {
    'create-time': p.createdAt.replace(/\.\d+Z$|Z$/, '+00:00'),
    synctoken: p.syncToken,
    md5: opts.md5 ?? p.md5,
    url: opts.url ?? 'https://ip-ranges.amazonaws.com/ip-ranges.json',
  };
  const topic = 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged';
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:3f1c2a5e-0000-4000-8000-${p.syncToken.padStart(12, '0')}`,
        Sns: {
          Type: 'Notification',
          MessageId: opts.messageId ?? `95df01b4-ee98-5cb9-9903-${p.syncToken.padStart(12, '0')}`,
          TopicArn: topic,
          Subject: null,
          Message: JSON.stringify(message),
          Timestamp: new Date(Date.parse(p.createdAt) + 60_000).toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topic}:EXAMPLE`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
