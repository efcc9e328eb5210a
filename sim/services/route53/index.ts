/**
 * Route 53: hosted zones with record sets (TTLs matter: the cutover waits out the old TTL),
 * atomic change batches (CREATE/DELETE/UPSERT validated like the service), and changes going
 * PENDING → INSYNC.
 */
import * as z from 'zod';
import { awsError } from '../../aws-error';
import { lifecycle, settle, transition, type Lifecycle } from '../../lifecycle';
import { type Change, type ResourceRecordSet, RRType } from '@aws-sdk/client-route-53';
import type * as Route53 from '@aws-sdk/client-route-53';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext } from '../../simulator';
import { resourceRef } from '../../resource-ref';

/** A change is asked for by its bare id or as /change/<id> (what ChangeResourceRecordSets answers). */
const changeRef = (id: string) => resourceRef(`dns-change:${id}`, [id], [`/change/${id}`]);

const RecordSeed = z.object({
  name: z.string(),
  type: z.enum(RRType),
  ttl: z.number().int().nonnegative().optional(),
  values: z.array(z.string()).optional(),
  alias: z.object({ hostedZoneId: z.string(), dnsName: z.string(), evaluateTargetHealth: z.boolean().default(false) }).optional(),
  setIdentifier: z.string().optional(),
});

const ZoneSeed = z.object({
  id: z.string(),
  name: z.string(),
  account: z.string(),
  records: z.array(RecordSeed).default([]),
});

export const Route53WorldSection = z.object({ hostedZones: z.array(ZoneSeed).default([]) });

export interface RRSet {
  Name: string;
  Type: RRType;
  SetIdentifier?: string;
  TTL?: number;
  ResourceRecords?: Array<{ Value: string }>;
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
}

export interface SimZone {
  Id: string;
  Name: string;
  account: string;
  records: RRSet[];
}
export interface SimChange {
  Id: string;
  SubmittedAt: number;
  Comment?: string;
  lc: Lifecycle<'PENDING' | 'INSYNC'>;
  zoneId: string;
}
export interface Route53State {
  zones: SimZone[];
  changes: SimChange[];
}

export function fqdn(name: string): string {
  return (name.endsWith('.') ? name : `${name}.`).toLowerCase();
}

function bareZoneId(id: string | undefined): string {
  return (id ?? '').replace(/^\/hostedzone\//, '');
}

function findZone(ctx: OpContext<Route53State>, id: string | undefined): SimZone {
  const zone = ctx.state.zones.find((z) => z.Id === bareZoneId(id) && z.account === ctx.account);
  if (!zone) throw awsError('NoSuchHostedZone', `No hosted zone found with ID: ${bareZoneId(id)}`, 404);
  return zone;
}

const sameKey = (a: RRSet, b: RRSet) => a.Name === b.Name && a.Type === b.Type && (a.SetIdentifier ?? '') === (b.SetIdentifier ?? '');

/** A record set as Route 53 keeps it (names fully qualified); a request missing a required member is InvalidInput. */
function normalize(r: ResourceRecordSet): RRSet {
  if (!r.Name || !r.Type) throw awsError('InvalidInput', 'Invalid request: a ResourceRecordSet needs Name and Type');
  const out: RRSet = { Name: fqdn(r.Name), Type: r.Type };
  if (r.SetIdentifier) out.SetIdentifier = r.SetIdentifier;
  const alias = r.AliasTarget;
  if (alias) {
    if (!alias.HostedZoneId || !alias.DNSName || alias.EvaluateTargetHealth === undefined) {
      throw awsError('InvalidInput', `Invalid request: AliasTarget of ${r.Name} needs HostedZoneId, DNSName and EvaluateTargetHealth`);
    }
    out.AliasTarget = { HostedZoneId: alias.HostedZoneId, DNSName: fqdn(alias.DNSName), EvaluateTargetHealth: alias.EvaluateTargetHealth };
  } else {
    out.TTL = r.TTL;
    out.ResourceRecords = (r.ResourceRecords ?? []).map((v) => {
      if (v.Value === undefined) throw awsError('InvalidInput', `Invalid request: a ResourceRecord of ${r.Name} has no Value`);
      return { Value: v.Value };
    });
  }
  return out;
}

function equalRecord(a: RRSet, b: RRSet): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function describeChange(c: SimChange) {
  return { ChangeInfo: { Id: `/change/${c.Id}`, Status: c.lc.state, SubmittedAt: new Date(c.SubmittedAt), Comment: c.Comment } };
}

export const route53Model: SdkServiceModel<Route53State, typeof Route53> = {
  key: 'route53',
  service: 'Route53',
  seed(world) {
    const section = Route53WorldSection.parse(world.route53 ?? {});
    return {
      zones: section.hostedZones.map((z) => ({
        Id: z.id,
        Name: fqdn(z.name),
        account: z.account,
        records: z.records.map((r) =>
          normalize({
            Name: r.name,
            Type: r.type,
            TTL: r.ttl,
            SetIdentifier: r.setIdentifier,
            ResourceRecords: r.values?.map((Value) => ({ Value })),
            AliasTarget: r.alias
              ? { HostedZoneId: r.alias.hostedZoneId, DNSName: r.alias.dnsName, EvaluateTargetHealth: r.alias.evaluateTargetHealth }
              : undefined,
          }),
        ),
      })),
      changes: [],
    };
  },

  settle(state, now, sim) {
    for (const c of state.changes) settle(sim, changeRef(c.Id), c.lc, now);
  },

  snapshot(state) {
    return { hostedZones: state.zones.map((z) => ({ Id: z.Id, Name: z.Name, account: z.account, ResourceRecordSets: z.records })) };
  },

  /** Hosted zones and their records as a world section (sim/world-out.ts); changes in flight are already in the records. */
  toWorld(state) {
    const bare = (name: string) => name.replace(/\.$/, '');
    return {
      route53: {
        hostedZones: state.zones.map((z) => ({
          id: z.Id,
          name: bare(z.Name),
          account: z.account,
          records: z.records.map((r) => ({
            name: bare(r.Name),
            type: r.Type,
            ...(r.SetIdentifier ? { setIdentifier: r.SetIdentifier } : {}),
            ...(r.AliasTarget
              ? {
                  alias: {
                    hostedZoneId: r.AliasTarget.HostedZoneId,
                    dnsName: bare(r.AliasTarget.DNSName),
                    evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth,
                  },
                }
              : { ...(r.TTL !== undefined ? { ttl: r.TTL } : {}), values: (r.ResourceRecords ?? []).map((v) => v.Value) }),
          })),
        })),
      },
    };
  },

  operations: {
    GetHostedZone(ctx, input) {
      const zone = findZone(ctx, input.Id);
      return {
        HostedZone: {
          Id: `/hostedzone/${zone.Id}`,
          Name: zone.Name,
          CallerReference: `sim-${zone.Id}`,
          Config: { PrivateZone: false },
          ResourceRecordSetCount: zone.records.length,
        },
        DelegationSet: { NameServers: ['ns-1.awsdns-00.com', 'ns-2.awsdns-00.net', 'ns-3.awsdns-00.org', 'ns-4.awsdns-00.co.uk'] },
      };
    },

    ListResourceRecordSets(ctx, input) {
      const zone = findZone(ctx, input.HostedZoneId);
      const sorted = [...zone.records].sort((a, b) => (a.Name === b.Name ? a.Type.localeCompare(b.Type) : a.Name.localeCompare(b.Name)));
      let start = 0;
      if (input.StartRecordName) {
        const name = fqdn(input.StartRecordName);
        start = sorted.findIndex((r) => r.Name > name || (r.Name === name && (!input.StartRecordType || r.Type >= input.StartRecordType)));
        if (start < 0) start = sorted.length;
      }
      const max = Math.min(Number(input.MaxItems ?? 300), 300);
      const items = sorted.slice(start, start + max);
      const next = sorted[start + max];
      return {
        ResourceRecordSets: items,
        IsTruncated: next !== undefined,
        MaxItems: max,
        NextRecordName: next?.Name,
        NextRecordType: next?.Type,
        NextRecordIdentifier: next?.SetIdentifier,
      };
    },

    ChangeResourceRecordSets(ctx, input) {
      const zone = findZone(ctx, input.HostedZoneId);
      const changes: Change[] = input.ChangeBatch?.Changes ?? [];
      if (changes.length === 0) throw awsError('InvalidChangeBatch', 'ChangeBatch must contain at least one change');
      // Validate the whole batch against a working copy; apply atomically.
      const working = zone.records.map((r) => ({ ...r }));
      const problems: string[] = [];
      for (const change of changes) {
        if (!change.ResourceRecordSet) throw awsError('InvalidInput', 'Invalid request: every Change needs a ResourceRecordSet');
        const rr = normalize(change.ResourceRecordSet);
        if (!rr.Name.endsWith(zone.Name)) problems.push(`RRSet with DNS name ${rr.Name} is not permitted in zone ${zone.Name}`);
        if (!rr.AliasTarget && (rr.TTL === undefined || !rr.ResourceRecords?.length))
          problems.push(`Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]] for ${rr.Name}`);
        if (rr.TTL !== undefined && (rr.TTL < 0 || rr.TTL > 2147483647)) problems.push(`TTL ${rr.TTL} for ${rr.Name} is out of range`);
        const idx = working.findIndex((r) => sameKey(r, rr));
        switch (change.Action) {
          case 'CREATE':
            if (idx >= 0) problems.push(`Tried to create resource record set [name='${rr.Name}', type='${rr.Type}'] but it already exists`);
            else working.push(rr);
            break;
          case 'DELETE':
            if (idx < 0 || !equalRecord(working[idx], rr))
              problems.push(
                `Tried to delete resource record set [name='${rr.Name}', type='${rr.Type}'] but the values provided do not match the current values`,
              );
            else working.splice(idx, 1);
            break;
          case 'UPSERT':
            if (idx >= 0) working[idx] = rr;
            else working.push(rr);
            break;
          default:
            problems.push(`Invalid action ${change.Action}`);
        }
      }
      if (problems.length > 0) throw awsError('InvalidChangeBatch', `[${problems.join(', ')}]`);
      // A change of what an existing name answers (not just its TTL, not a new name) is a DNS cutover, for the safety checks.
      const answers = (records: RRSet[]) =>
        new Map(records.map((r) => [JSON.stringify([r.Name, r.Type, r.SetIdentifier ?? null]), JSON.stringify([r.ResourceRecords, r.AliasTarget])]));
      const before = answers(zone.records);
      const after = answers(working);
      if ([...before].some(([key, value]) => after.get(key) !== value)) ctx.note('dns-values-changed');
      if ([...after.keys()].some((key) => !before.has(key))) ctx.note('dns-record-created');
      zone.records = working;
      const change: SimChange = {
        Id: ctx.sim.nextId('C', 20).toUpperCase(),
        SubmittedAt: ctx.now,
        Comment: input.ChangeBatch?.Comment,
        lc: lifecycle('PENDING', ctx.now),
        zoneId: zone.Id,
      };
      transition(ctx.sim, changeRef(change.Id), change.lc, ctx.now, 'PENDING', { state: 'INSYNC', afterSeconds: ctx.timings.dnsInsync });
      ctx.state.changes.push(change);
      return describeChange(change);
    },

    GetChange(ctx, input) {
      const id = String(input.Id ?? '').replace(/^\/change\//, '');
      const c = ctx.state.changes.find((x) => x.Id === id);
      if (!c) throw awsError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);
      return describeChange(c);
    },
  },
};
