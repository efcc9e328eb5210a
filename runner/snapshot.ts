/**
 * `byoip snapshot`: a read-only capture of what the workflows touch in an account, as a world file, so
 * an operator rehearses the exact migration on a copy of their own state. Only Describe/Get/List
 * calls, through the same SDK clients the tasks use (platform/aws). Captured: the IPAM, its pools and
 * their CIDRs, BYOIP CIDRs (advertised or not), BYOASNs and their associations, CloudFront Anycast
 * static IP lists, the named distributions, the named hosted zones' records, the origin-lockdown
 * security groups (and the interfaces and groups around them), prefix lists, Global Accelerator's
 * BYOIP ranges and accelerators. Never captured: secrets, keys, certificates, the RIR's records
 * (those come from --base), quotas (Service Quotas is not read).
 */
import {
  GetDistributionCommand,
  GetAnycastIpListCommand,
  ListAnycastIpListsCommand,
  ListTagsForResourceCommand as CfTags,
  CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import {
  DescribeByoipCidrsCommand,
  DescribeIpamByoasnCommand,
  DescribeIpamPoolsCommand,
  DescribeIpamsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetIpamPoolCidrsCommand,
  GetManagedPrefixListEntriesCommand,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  GlobalAcceleratorClient,
  ListAcceleratorsCommand,
  ListByoipCidrsCommand,
  ListEndpointGroupsCommand,
  ListListenersCommand,
  ListTagsForResourceCommand as GaTags,
} from '@aws-sdk/client-global-accelerator';
import {
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { canonicalCidr, overlaps, parseCidr } from '../domain/cidr';
import { TAG_ORIGIN_LOCKDOWN } from '../domain/origin-lockdown';
import { client } from '../platform/aws';
import { worldProblems } from '../sim/world-schema';

type Json = any;

export interface SnapshotRequest {
  region: string;
  /** The prefixes of the migration: pools, pool CIDRs and BYOIP CIDRs overlapping them are captured (all when empty). */
  cidrs: string[];
  distributions: string[];
  zones: string[];
  /** A world whose other fields (registry, secrets as file references, timings, quotas, ...) complete the capture. */
  base?: Record<string, unknown>;
}

export interface Snapshot {
  world: Record<string, unknown>;
  notes: string[];
}

const GA_REGION = 'us-west-2';
const tagMap = (tags: Array<{ Key?: string; Value?: string }> | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** Every page of a paginated call. */
async function pages<T>(fetch: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return out;
}

function overlapsAny(cidr: string, wanted: string[]): boolean {
  if (wanted.length === 0) return true;
  try {
    return wanted.some((w) => overlaps(parseCidr(canonicalCidr(cidr)), parseCidr(canonicalCidr(w))));
  } catch {
    return false;
  }
}

async function captureIpam(req: SnapshotRequest, account: string, notes: string[]) {
  const ec2 = client(EC2Client, { region: req.region });
  const ipams = await pages((t) => ec2.send(new DescribeIpamsCommand({ NextToken: t })).then((r) => ({ items: r.Ipams, next: r.NextToken })));
  const pools = await pages((t) =>
    ec2.send(new DescribeIpamPoolsCommand({ NextToken: t, MaxResults: 100 })).then((r) => ({ items: r.IpamPools, next: r.NextToken })),
  );
  const byoip = await pages((t) =>
    ec2.send(new DescribeByoipCidrsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.ByoipCidrs, next: r.NextToken })),
  );
  const byoasns = await pages((t) =>
    ec2.send(new DescribeIpamByoasnCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.Byoasns, next: r.NextToken })),
  );
  const captured: Json[] = [];
  for (const p of pools.filter((x) => x.State === 'create-complete' || x.State === 'modify-complete')) {
    const cidrs = await pages((t) =>
      ec2
        .send(new GetIpamPoolCidrsCommand({ IpamPoolId: p.IpamPoolId, MaxResults: 100, NextToken: t }))
        .then((r) => ({ items: r.IpamPoolCidrs, next: r.NextToken })),
    );
    for (const c of cidrs)
      if (c.State && c.State !== 'provisioned' && c.State !== 'deprovisioned' && overlapsAny(c.Cidr ?? '', req.cidrs))
        notes.push(`${c.Cidr} in ${p.IpamPoolId} is ${c.State}; not captured (capture again when it has settled)`);
    const kept = cidrs
      .filter((c) => c.State === 'provisioned' && overlapsAny(c.Cidr ?? '', req.cidrs))
      .map((c) => {
        const b = byoip.find((x) => x.Cidr === c.Cidr);
        const advertised = b?.State === 'advertised';
        if (advertised && (b?.AsnAssociations ?? []).some((a) => a.State === 'associated'))
          notes.push(`${c.Cidr} is advertised and associated with a BYOASN; AWS does not say which origin ASN it uses, written as the AWS ASN`);
        return { cidr: c.Cidr!, ...(advertised ? { advertised: true } : {}) };
      });
    const ours = (p.Tags ?? []).some((t) => t.Key?.startsWith('byoip-orchestrator:'));
    if (kept.length === 0 && !(ours && req.cidrs.length === 0)) continue;
    captured.push({
      ipamPoolId: p.IpamPoolId,
      ipamId: /ipam\/(ipam-[0-9a-z]+)$/.exec(p.IpamArn ?? '')?.[1] ?? '',
      scope: p.IpamScopeType ?? 'public',
      ...(p.SourceIpamPoolId ? { sourceIpamPoolId: p.SourceIpamPoolId } : {}),
      locale: p.Locale ?? 'None',
      ...(p.AwsService ? { awsService: p.AwsService } : {}),
      ...(p.PublicIpSource ? { publicIpSource: p.PublicIpSource } : {}),
      ...(p.Description ? { description: p.Description } : {}),
      tags: tagMap(p.Tags),
      cidrs: kept,
    });
  }
  // A captured pool's parents come too (a child pool needs its source), with the CIDRs that matter.
  for (let i = 0; i < captured.length; i++) {
    const parent = captured[i].sourceIpamPoolId;
    if (parent && !captured.some((p) => p.ipamPoolId === parent))
      notes.push(`pool ${captured[i].ipamPoolId}: its source pool ${parent} holds none of --cidrs; not captured`);
  }
  const capturedCidrs = captured.flatMap((p) => (p.awsService ? p.cidrs.map((c: Json) => c.cidr) : []));
  return {
    ipams: ipams.map((i) => ({
      ipamId: i.IpamId!,
      account: i.OwnerId ?? account,
      region: i.IpamRegion ?? req.region,
      publicScopeId: i.PublicDefaultScopeId!,
      privateScopeId: i.PrivateDefaultScopeId!,
      tier: i.Tier ?? 'advanced',
    })),
    pools: captured,
    byoasns: byoasns
      .filter((a) => a.State === 'provisioned')
      .map((a) => ({
        asn: a.Asn!,
        ipamId: a.IpamId!,
        associations: byoip
          .filter((b) => capturedCidrs.includes(b.Cidr) && (b.AsnAssociations ?? []).some((x) => x.Asn === a.Asn && x.State === 'associated'))
          .map((b) => b.Cidr!),
      })),
  };
}

async function captureCloudFront(req: SnapshotRequest, notes: string[]) {
  const cf = client(CloudFrontClient, { region: 'us-east-1' });
  const distributions: Json[] = [];
  for (const id of req.distributions) {
    const d = (await cf.send(new GetDistributionCommand({ Id: id }))).Distribution;
    if (!d?.DistributionConfig) throw new Error(`distribution ${id}: GetDistribution returned no configuration`);
    if (d.Status !== 'Deployed') notes.push(`distribution ${id} is ${d.Status}; captured with its latest configuration`);
    distributions.push({
      id,
      account: /::(\d{12}):/.exec(d.ARN ?? '')?.[1],
      domainName: d.DomainName,
      config: JSON.parse(JSON.stringify(d.DistributionConfig)),
    });
  }
  const summaries = await pages((marker) =>
    cf
      .send(new ListAnycastIpListsCommand({ Marker: marker, MaxItems: 100 }))
      .then((r) => ({ items: r.AnycastIpLists?.Items, next: r.AnycastIpLists?.IsTruncated ? r.AnycastIpLists.NextMarker : undefined })),
  );
  const anycastLists: Json[] = [];
  for (const s of summaries) {
    if (s.Status !== 'Deployed') {
      notes.push(`anycast IP list ${s.Id} is ${s.Status}; not captured`);
      continue;
    }
    const l = (await cf.send(new GetAnycastIpListCommand({ Id: s.Id }))).AnycastIpList!;
    const tags = (await cf.send(new CfTags({ Resource: l.Arn }))).Tags?.Items ?? [];
    anycastLists.push({
      id: l.Id,
      account: /::(\d{12}):/.exec(l.Arn ?? '')?.[1],
      name: l.Name,
      ipCount: l.IpCount,
      ...(l.IpAddressType ? { ipAddressType: l.IpAddressType } : {}),
      cidrs: (l.IpamConfig?.IpamCidrConfigs ?? []).map((c) => ({
        cidr: c.Cidr,
        ipamPoolId: (c.IpamPoolArn ?? '').split('/').pop(),
        ...(c.AnycastIp ? { anycastIp: c.AnycastIp } : {}),
      })),
      tags: tagMap(tags),
    });
  }
  return { distributions, anycastLists };
}

async function captureRoute53(req: SnapshotRequest, account: string) {
  const r53 = client(Route53Client, { region: 'us-east-1' });
  const zones: Json[] = [];
  const bare = (n: string | undefined) => (n ?? '').replace(/\.$/, '').replace(/\\052/g, '*');
  for (const id of req.zones) {
    const zone = (await r53.send(new GetHostedZoneCommand({ Id: id }))).HostedZone!;
    const records: ResourceRecordSet[] = [];
    let next: { name?: string; type?: string; id?: string } | undefined = {};
    while (next) {
      const page: ListResourceRecordSetsCommandOutput = await r53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: id,
          StartRecordName: next.name,
          StartRecordType: next.type as never,
          StartRecordIdentifier: next.id,
        }),
      );
      records.push(...(page.ResourceRecordSets ?? []));
      next = page.IsTruncated ? { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier } : undefined;
    }
    zones.push({
      id: (zone.Id ?? id).replace(/^\/hostedzone\//, ''),
      name: bare(zone.Name),
      account,
      records: records.map((r) => ({
        name: bare(r.Name),
        type: r.Type,
        ...(r.SetIdentifier ? { setIdentifier: r.SetIdentifier } : {}),
        ...(r.AliasTarget
          ? {
              alias: {
                hostedZoneId: r.AliasTarget.HostedZoneId,
                dnsName: bare(r.AliasTarget.DNSName),
                evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth ?? false,
              },
            }
          : { ...(r.TTL !== undefined ? { ttl: r.TTL } : {}), values: (r.ResourceRecords ?? []).map((v) => v.Value) }),
      })),
    });
  }
  return { hostedZones: zones };
}

/** One seed rule per source, as the world writes them. */
function ingressOf(perms: IpPermission[] | undefined) {
  return (perms ?? []).flatMap((p) => {
    const protocol = p.IpProtocol ?? 'tcp';
    const ports =
      protocol === '-1' ? {} : { ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}), ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}) };
    const rule = (source: Json, description: string | undefined) => ({
      protocol,
      ...ports,
      cidrs: [],
      prefixListIds: [],
      groups: [],
      ...source,
      ...(description ? { description } : {}),
    });
    return [
      ...(p.IpRanges ?? []).map((r) => rule({ cidrs: [r.CidrIp] }, r.Description)),
      ...(p.Ipv6Ranges ?? []).map((r) => rule({ cidrs: [r.CidrIpv6] }, r.Description)),
      ...(p.PrefixListIds ?? []).map((r) => rule({ prefixListIds: [r.PrefixListId] }, r.Description)),
      ...(p.UserIdGroupPairs ?? []).map((r) => rule({ groups: [r.GroupId] }, r.Description)),
    ];
  });
}

async function captureEc2Network(req: SnapshotRequest, account: string, notes: string[]) {
  const baseVpcs: Json[] = (req.base as Json)?.ec2Network?.vpcs ?? [];
  const ec2 = client(EC2Client, { region: req.region });
  const groupsPage = (filters: Json[] | undefined, ids?: string[]) =>
    pages((t) =>
      ec2
        .send(new DescribeSecurityGroupsCommand({ Filters: filters, GroupIds: ids, NextToken: t, MaxResults: ids ? undefined : 1000 }))
        .then((r) => ({ items: r.SecurityGroups, next: r.NextToken })),
    );
  const lockdown = await groupsPage([{ Name: 'tag-key', Values: [TAG_ORIGIN_LOCKDOWN] }]);
  const interfaces =
    lockdown.length === 0
      ? []
      : await pages((t) =>
          ec2
            .send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: lockdown.map((g) => g.GroupId!) }], NextToken: t }))
            .then((r) => ({ items: r.NetworkInterfaces, next: r.NextToken })),
        );
  // The other groups on those interfaces, and groups the rules refer to, come along (a world names only groups it has).
  const wanted = new Set<string>([
    ...interfaces.flatMap((i) => (i.Groups ?? []).map((g) => g.GroupId!)),
    ...lockdown.flatMap((g) => (g.IpPermissions ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupId!))),
  ]);
  const missing = [...wanted].filter((id) => !lockdown.some((g) => g.GroupId === id));
  const groups: SecurityGroup[] = [...lockdown, ...(missing.length ? await groupsPage(undefined, missing) : [])];
  const lists = await pages((t) =>
    ec2.send(new DescribeManagedPrefixListsCommand({ NextToken: t, MaxResults: 100 })).then((r) => ({ items: r.PrefixLists, next: r.NextToken })),
  );
  const own = lists.filter((l) => l.OwnerId === account);
  const prefixLists: Json[] = [];
  for (const l of own) {
    const entries = await pages((t) =>
      ec2
        .send(new GetManagedPrefixListEntriesCommand({ PrefixListId: l.PrefixListId, NextToken: t, MaxResults: 100 }))
        .then((r) => ({ items: r.Entries, next: r.NextToken })),
    );
    prefixLists.push({
      prefixListId: l.PrefixListId,
      name: l.PrefixListName,
      family: l.AddressFamily === 'IPv6' ? 'ipv6' : 'ipv4',
      maxEntries: l.MaxEntries,
      account,
      region: req.region,
      entries: entries.map((e) => (e.Description ? { cidr: e.Cidr, description: e.Description } : e.Cidr)),
      tags: tagMap(l.Tags),
    });
  }
  const managed = lists.filter((l) => l.OwnerId === 'AWS' && /cloudfront\.origin-facing$/.test(l.PrefixListName ?? ''));
  const vpcs = [...new Set([...groups.map((g) => g.VpcId!), ...interfaces.map((i) => i.VpcId!)])].filter(Boolean);
  const unknownCidr = vpcs.filter((id) => !baseVpcs.some((v) => v.vpcId === id && v.cidr));
  if (unknownCidr.length) notes.push(`VPC CIDRs are not read; ${unknownCidr.join(', ')} written with the default 10.0.0.0/16 (give them in --base)`);
  return {
    vpcs: vpcs.map((vpcId) => ({
      vpcId,
      account,
      region: req.region,
      ...(baseVpcs.find((v) => v.vpcId === vpcId)?.cidr ? { cidr: baseVpcs.find((v) => v.vpcId === vpcId).cidr } : {}),
    })),
    securityGroups: groups.map((g) => ({
      groupId: g.GroupId,
      name: g.GroupName,
      description: g.Description,
      vpcId: g.VpcId,
      tags: tagMap(g.Tags),
      ingress: ingressOf(g.IpPermissions),
    })),
    networkInterfaces: interfaces.map((i) => ({
      networkInterfaceId: i.NetworkInterfaceId,
      vpcId: i.VpcId,
      groups: (i.Groups ?? []).map((g) => g.GroupId),
      description: i.Description ?? '',
    })),
    prefixLists,
    ...(managed.length
      ? {
          awsManagedPrefixLists: managed.map((l) => ({
            prefixListId: l.PrefixListId,
            name: l.PrefixListName,
            family: l.AddressFamily === 'IPv6' ? 'ipv6' : 'ipv4',
            maxEntries: l.MaxEntries,
          })),
        }
      : {}),
  };
}

async function captureGlobalAccelerator(req: SnapshotRequest, account: string, notes: string[]) {
  const ga = client(GlobalAcceleratorClient, { region: GA_REGION });
  const ranges = await pages((t) =>
    ga.send(new ListByoipCidrsCommand({ NextToken: t, MaxResults: 100 })).then((r) => ({ items: r.ByoipCidrs, next: r.NextToken })),
  );
  const accelerators = await pages((t) =>
    ga.send(new ListAcceleratorsCommand({ NextToken: t, MaxResults: 100 })).then((r) => ({ items: r.Accelerators, next: r.NextToken })),
  );
  const out: Json[] = [];
  const endpointsSeen = new Set<string>();
  for (const a of accelerators) {
    if (a.Status !== 'DEPLOYED') notes.push(`accelerator ${a.Name} is ${a.Status}; captured as DEPLOYED`);
    const listeners = await pages((t) =>
      ga
        .send(new ListListenersCommand({ AcceleratorArn: a.AcceleratorArn, NextToken: t, MaxResults: 100 }))
        .then((r) => ({ items: r.Listeners, next: r.NextToken })),
    );
    const tags = (await ga.send(new GaTags({ ResourceArn: a.AcceleratorArn }))).Tags ?? [];
    const ls: Json[] = [];
    for (const l of listeners) {
      const groups = await pages((t) =>
        ga
          .send(new ListEndpointGroupsCommand({ ListenerArn: l.ListenerArn, NextToken: t, MaxResults: 100 }))
          .then((r) => ({ items: r.EndpointGroups, next: r.NextToken })),
      );
      ls.push({
        protocol: l.Protocol ?? 'TCP',
        clientAffinity: l.ClientAffinity ?? 'NONE',
        portRanges: (l.PortRanges ?? []).map((p) => ({ fromPort: p.FromPort, toPort: p.ToPort })),
        endpointGroups: groups.map((g) => ({
          region: g.EndpointGroupRegion,
          endpoints: (g.EndpointDescriptions ?? []).map((e) => {
            endpointsSeen.add(e.EndpointId!);
            return { endpointId: e.EndpointId, weight: e.Weight ?? 128, clientIpPreservation: e.ClientIPPreservationEnabled ?? true };
          }),
        })),
      });
    }
    out.push({
      account,
      name: a.Name,
      arn: a.AcceleratorArn,
      ipAddresses: (a.IpSets ?? []).flatMap((s) => s.IpAddresses ?? []),
      enabled: a.Enabled ?? true,
      tags: tagMap(tags),
      listeners: ls,
    });
  }
  // ELB is not read: the load balancers come from --base (elbv2.loadBalancers), and endpoints it does not list are assumed internal with an internet gateway.
  const baseLbs: Json[] = (req.base as Json)?.elbv2?.loadBalancers ?? [];
  const assumed = [...endpointsSeen]
    .filter((arn) => !baseLbs.some((b) => b.arn === arn))
    .flatMap((arn) => {
      const m = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(?:app|net)\/([^/]+)\/[0-9a-f]+$/.exec(arn);
      if (!m) {
        notes.push(`endpoint ${arn} is not a load balancer; the world cannot hold it (endpoint groups point at elbv2.loadBalancers)`);
        return [];
      }
      return [{ arn, account: m[2], dnsName: `internal-${m[3]}.${m[1]}.elb.amazonaws.com`, scheme: 'internal', vpcHasInternetGateway: true }];
    });
  if (assumed.length)
    notes.push(
      `load balancers the accelerators use are written to elbv2.loadBalancers as internal, in a VPC with an internet gateway, with a made-up DNS name (ELB is not read; give them in --base): ${assumed.map((l) => l.arn).join(', ')}`,
    );
  return {
    globalAccelerator: {
      byoipCidrs: ranges.filter((r) => r.State === 'READY' || r.State === 'ADVERTISING').map((r) => ({ account, cidr: r.Cidr, state: r.State })),
      accelerators: out,
    },
    loadBalancers: assumed,
  };
}

/**
 * Reads the account (read-only calls only) and returns a valid world. The base world, if given,
 * supplies what an account does not hold (the RIR's records, secrets as file references, timings,
 * quotas); what the snapshot captures replaces the base's.
 */
export async function snapshotAccount(req: SnapshotRequest): Promise<Snapshot> {
  const notes: string[] = [];
  const account = (await client(STSClient, { region: req.region }).send(new GetCallerIdentityCommand({}))).Account!;
  const [ipam, cloudfront, route53, ec2Network, ga] = [
    await captureIpam(req, account, notes),
    await captureCloudFront(req, notes),
    await captureRoute53(req, account),
    await captureEc2Network(req, account, notes),
    await captureGlobalAccelerator(req, account, notes),
  ];
  const base = (req.base ?? {}) as Json;
  const elbv2 = ga.loadBalancers.length ? { elbv2: { ...(base.elbv2 ?? {}), loadBalancers: [...(base.elbv2?.loadBalancers ?? []), ...ga.loadBalancers] } } : {};
  const baseAccounts: Json[] = Array.isArray(base.accounts) ? base.accounts : [];
  const accounts = baseAccounts.some((a) => a.id === account)
    ? baseAccounts
    : [{ id: account, name: `captured by byoip snapshot (${req.region})` }, ...baseAccounts];
  if (!baseAccounts.some((a) => a.id === account && a.quotas))
    notes.push(`quotas are not read (Service Quotas); add accounts[].quotas for ${account} (e.g. "anycastIpLists") or give --base`);
  if (!base.registry && !base.internet)
    notes.push("the RIR's records and the routes (internet, or registry) are not in an account; give --base with an internet section to rehearse provisioning");
  const world = {
    ...base,
    description: `Captured from account ${account} in ${req.region} by byoip snapshot${base.description ? `; completed by: ${base.description}` : ''}.`,
    startTime: new Date().toISOString(),
    defaultRegion: req.region,
    defaultAccount: account,
    accounts,
    ipam,
    cloudfront: { ...(base.cloudfront?.vpcOrigins ? { vpcOrigins: base.cloudfront.vpcOrigins } : {}), ...cloudfront },
    route53,
    ec2Network,
    globalAccelerator: ga.globalAccelerator,
    ...elbv2,
  };
  delete (world as Json).idSequence;
  const problems = worldProblems(world);
  if (problems.length) throw new Error(`the captured world is not valid (a bug, or something this version cannot represent):\n  ${problems.join('\n  ')}`);
  return { world, notes };
}
