/**
 * Elastic Load Balancing (v2): the world's load balancers, as seed data. CloudFront VPC origins and
 * Global Accelerator endpoint groups point at them, and the simulated edge forwards requests to them. An ALB answers by its listener rules: the
 * first rule whose host-header and path-pattern conditions match wins, otherwise the default action
 * (a fixed 404, the usual "Host header mismatch" response behind a shared distribution).
 */
import * as z from 'zod';
import { wildcardMatch } from '../../../domain/wildcard';
import type { ServiceModel } from '../../simulator';

const RuleSeed = z.object({
  /** host-header condition values ("*" and "?" wildcards, case-insensitive), e.g. team-a.example.com. */
  hosts: z.array(z.string()).default([]),
  /** path-pattern condition values ("*" and "?" wildcards, case-sensitive). */
  paths: z.array(z.string()).default([]),
  status: z.number().int().min(100).max(599).default(200),
  body: z.string().default('{"ok":true}'),
  contentType: z.string().default('application/json'),
});

const ListenerSeed = z.object({
  port: z.number().int().min(1).max(65_535),
  protocol: z.enum(['HTTP', 'HTTPS']),
  rules: z.array(RuleSeed).default([]),
  default: z.object({ status: z.number().int().default(404), body: z.string().default('Not Found') }).default({ status: 404, body: 'Not Found' }),
});

const LoadBalancerSeed = z.object({
  arn: z.string().regex(/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app|net)\/[^/]+\/[0-9a-f]+$/),
  account: z.string().regex(/^\d{12}$/),
  dnsName: z.string(),
  scheme: z.enum(['internal', 'internet-facing']).default('internal'),
  state: z.enum(['active', 'provisioning', 'failed']).default('active'),
  listeners: z.array(ListenerSeed).default([]),
  /** Rehearse a VPC origin that never deploys (CloudFront reports Failed). */
  vpcOriginFails: z.boolean().default(false),
  /** Global Accelerator reaches an internal load balancer only if its VPC has an internet gateway attached (no route needed). */
  vpcHasInternetGateway: z.boolean().default(true),
});

export const ElbWorldSection = z.object({ loadBalancers: z.array(LoadBalancerSeed).default([]) });

export type SimLoadBalancer = z.infer<typeof LoadBalancerSeed>;
export interface ElbState {
  loadBalancers: SimLoadBalancer[];
}

/** How an ALB answers a request that reached it on `port` with `host` and `path`. */
export function albRespond(
  lb: SimLoadBalancer,
  req: { port: number; protocol: 'HTTP' | 'HTTPS'; host: string; path: string },
): { status: number; body: string; contentType: string; rule: string } {
  const listener = lb.listeners.find((l) => l.port === req.port && l.protocol === req.protocol);
  if (!listener || lb.state !== 'active') return { status: 502, body: 'Bad Gateway: the origin did not answer', contentType: 'text/plain', rule: 'none' };
  const host = req.host.toLowerCase().replace(/:\d+$/, '');
  const index = listener.rules.findIndex(
    (r) =>
      (r.hosts.length === 0 || r.hosts.some((h) => wildcardMatch(h, host, { ignoreCase: true }))) &&
      (r.paths.length === 0 || r.paths.some((p) => wildcardMatch(p, req.path))),
  );
  if (index < 0) return { status: listener.default.status, body: listener.default.body, contentType: 'text/plain', rule: 'default' };
  const rule = listener.rules[index];
  return { status: rule.status, body: rule.body, contentType: rule.contentType, rule: `rule-${index + 1}` };
}

export const elbv2Model: ServiceModel<ElbState> = {
  key: 'elbv2',
  service: 'ElasticLoadBalancingV2',
  seed(world) {
    return { loadBalancers: ElbWorldSection.parse(world.elbv2 ?? {}).loadBalancers };
  },
  /** The load balancers as a world section (sim/world-out.ts): they are seed data and do not change. */
  toWorld: (state) => ({ elbv2: { loadBalancers: state.loadBalancers } }),
  snapshot: (state) => ({
    loadBalancers: state.loadBalancers.map((lb) => ({ arn: lb.arn, account: lb.account, dnsName: lb.dnsName, scheme: lb.scheme, state: lb.state })),
  }),
  // Untyped and empty: the workflows never call ELB (no SDK client is installed); the load balancers are
  // what VPC origins, endpoint groups and the edge need.
  operations: {},
};
