/**
 * The simulated CloudFront edge, as a host `httpRequest()` can reach. A request arrives for a
 * distribution by its *.cloudfront.net name, by `connectTo` that name (curl --resolve), or by a
 * name that Route 53 aliases (or CNAMEs) to it. The edge serves the last *Deployed* config:
 *   Host not among the aliases → 403; first matching cache behaviour (else the default) → its origin;
 *   a VPC origin → the ALB behind it, which sees the viewer's Host only when the behaviour's origin
 *   request policy forwards it (AllViewer); otherwise it sees the origin's domain name.
 */
import { pathMatches } from '../../../domain/vpc-origins';
import type { HttpRequest, HttpResponse } from '../../../platform/http';
import type { SimHttpHost, Simulator } from '../../simulator';
import type { CloudFrontState, SimDistribution } from './state';
import { findVpcOrigin } from './vpc-origins';
import { albRespond, type ElbState } from '../elbv2';
import type { Route53State } from '../route53';

const FORWARDS_HOST = new Set(['216adef6-5c7f-47e4-b989-5492eafa07d3', '33f36d7e-f396-46d9-90e0-52428a34d9dc']);

const bare = (h: string) => h.toLowerCase().replace(/\.$/, '');

/** Resolves a name through the simulated public DNS (Route 53 aliases and CNAMEs) to a distribution. */
function resolve(sim: Simulator, name: string): SimDistribution | undefined {
  const cf = sim.state<CloudFrontState>('cloudfront');
  const byDomain = (h: string) => cf.distributions.find((d) => bare(d.DomainName) === bare(h));
  let target = bare(name);
  for (let hop = 0; hop < 5; hop++) {
    const direct = byDomain(target);
    if (direct) return direct;
    const zones = sim.state<Route53State>('route53').zones;
    const record = zones
      .flatMap((z) => z.records)
      .find((r) => bare(r.Name) === target && (r.Type === 'A' || r.Type === 'AAAA' || r.Type === 'CNAME') && !r.SetIdentifier);
    if (!record) return undefined;
    if (record.AliasTarget) target = bare(record.AliasTarget.DNSName);
    else if (record.Type === 'CNAME' && record.ResourceRecords?.[0]) target = bare(record.ResourceRecords[0].Value);
    else return undefined;
  }
  return undefined;
}

function respond(status: number, body: string, extra: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': extra['content-type'] ?? 'text/plain', server: 'CloudFront', via: '1.1 sim.cloudfront.net (CloudFront)', ...extra },
    body,
  };
}

function covered(aliases: string[], host: string): boolean {
  return aliases.some((a) => {
    const alias = bare(a);
    if (alias === host) return true;
    return alias.startsWith('*.') && host.includes('.') && host.slice(host.indexOf('.') + 1) === alias.slice(2);
  });
}

/** The edge of the distributions in `sim` (registered by the CloudFront model when it is seeded). */
export function cloudfrontEdge(sim: Simulator): SimHttpHost {
  const target = (req: HttpRequest) => resolve(sim, req.connectTo ?? new URL(req.url).hostname);
  return {
    matches: (req) => target(req) !== undefined,
    handle(req) {
      const d = target(req)!;
      const url = new URL(req.url);
      const host = bare(req.headers?.host ?? req.headers?.Host ?? url.hostname);
      const config = d.deployedConfig;
      if (!config.Enabled) return respond(403, 'The request could not be satisfied: the distribution is disabled.', { 'x-cache': 'Error from cloudfront' });
      if (host !== bare(d.DomainName) && !covered(config.Aliases?.Items ?? [], host)) {
        return respond(403, `The request could not be satisfied: ${host} is not an alternate domain name of this distribution.`, {
          'x-cache': 'Error from cloudfront',
        });
      }
      const path = url.pathname;
      const behavior = (config.CacheBehaviors?.Items ?? []).find((b) => pathMatches(b.PathPattern ?? '', path)) ?? config.DefaultCacheBehavior;
      const origin = (config.Origins?.Items ?? []).find((o) => o.Id === behavior?.TargetOriginId);
      if (!origin) return respond(502, 'Bad gateway: no origin for this behaviour', { 'x-cache': 'Error from cloudfront' });
      if (!origin.VpcOriginConfig) return respond(502, `Bad gateway: origin ${origin.DomainName} is not simulated`, { 'x-cache': 'Error from cloudfront' });
      const cf = sim.state<CloudFrontState>('cloudfront');
      const vpc = findVpcOrigin(cf, origin.VpcOriginConfig.VpcOriginId, origin.VpcOriginConfig.OwnerAccountId ?? d.account);
      if (vpc?.lc.state !== 'Deployed')
        return respond(502, `Bad gateway: VPC origin ${origin.VpcOriginConfig.VpcOriginId} is not available`, { 'x-cache': 'Error from cloudfront' });
      const lb = sim.state<ElbState>('elbv2').loadBalancers.find((x) => x.arn === vpc.endpoint.Arn);
      if (!lb) return respond(502, 'Bad gateway: the VPC origin endpoint does not exist', { 'x-cache': 'Error from cloudfront' });
      const https = vpc.endpoint.OriginProtocolPolicy !== 'http-only';
      const originHost = FORWARDS_HOST.has(behavior?.OriginRequestPolicyId ?? '') ? host : bare(origin.DomainName ?? '');
      // A VPC origin's ports are validated when it is created or updated (vpc-origins.ts).
      const port = (https ? vpc.endpoint.HTTPSPort : vpc.endpoint.HTTPPort) ?? (https ? 443 : 80);
      const answer = albRespond(lb, { port, protocol: https ? 'HTTPS' : 'HTTP', host: originHost, path });
      return respond(answer.status, answer.body, {
        'content-type': answer.contentType,
        'x-cache': 'Miss from cloudfront',
        'x-sim-origin': `${origin.Id} → ${lb.arn} (${answer.rule})`,
      });
    },
  };
}
