/** Test helpers for the VPC-origin workflows: generated team worlds and inputs, and the state that must never be orphaned. */
import type { Simulator } from '../../sim';
import type { FaultRule } from '../../sim/faults';
import { exampleInput, exampleWorldJson } from './world';
import { operatorView, sections } from '../../runner/world-view';

export const NET = '111122223333';
export const DIST = 'E3EXAMPLETEAMS03';
export const ROLE = 'byoip-orchestrator-team-access';

/** Generated team tNN: its own account and internal ALB answering 200 only for its host and path. */
export function generatedTeam(i: number) {
  const name = `t${String(i).padStart(2, '0')}`;
  const account = `7000000000${String(i).padStart(2, '0')}`;
  const albArn = `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/${name}-internal/${String(i).padStart(16, 'a')}`;
  const albDnsName = `internal-${name}-internal-99${i}.us-east-1.elb.amazonaws.com`;
  return {
    account: { id: account, name: `team ${name}`, assumableRoles: [ROLE] },
    alb: {
      arn: albArn,
      account,
      dnsName: albDnsName,
      scheme: 'internal',
      listeners: [
        { port: 443, protocol: 'HTTPS', rules: [{ hosts: [`${name}.example.com`], paths: [`/${name}/*`], status: 200, body: `{"team":"${name}"}` }] },
      ],
    },
    input: {
      name,
      accountId: account,
      roleArn: `arn:aws:iam::${account}:role/${ROLE}`,
      albArn,
      albDnsName,
      host: `${name}.example.com`,
      hostedZoneId: 'Z0EXAMPLE000001',
      pathPattern: `/${name}/*`,
    },
  };
}

/** `length` characters of valid DNS labels (63 at most each), to pad a name to DNS's 253. */
function labels(length: number, fill: string): string {
  const out: string[] = [];
  let left = length;
  while (left > 0) {
    const n = Math.min(63, left === 64 ? 62 : left); // never leave a lone dot
    out.push(fill.repeat(n));
    left -= n + 1;
  }
  return out.join('.');
}

/**
 * Team tNN with the longest fields the vpc-origin-share input accepts: a 32-character name, 253-character
 * host and ALB DNS name, 255-character path pattern and probe path, 64-character VPC origin and role
 * names. Its world entries (account, assumable role, ALB answering that host and path) match.
 */
export function maxSizeTeam(i: number) {
  const small = generatedTeam(i);
  const name = `${small.input.name}${'x'.repeat(29)}`;
  const role = `r${String(i).padStart(2, '0')}-${'a'.repeat(60)}`;
  const host = `${name}.${labels(253 - name.length - 1 - '.example.com'.length, 'h')}.example.com`;
  const albDnsName = `${labels(253 - '.elb.amazonaws.com'.length, 'd')}${String(i).padStart(2, '0')}.elb.amazonaws.com`.slice(2);
  const prefix = `/${name}/`;
  const pathPattern = `${prefix}${'p'.repeat(255 - prefix.length - 1)}*`;
  const probePath = `${prefix}${'p'.repeat(255 - prefix.length - 1)}q`;
  const albArn = `arn:aws:elasticloadbalancing:us-east-1:${small.account.id}:loadbalancer/app/${'l'.repeat(29)}${String(i).padStart(3, '0')}/${String(i).padStart(16, 'a')}`;
  return {
    account: { ...small.account, assumableRoles: [ROLE, role] },
    alb: {
      ...small.alb,
      arn: albArn,
      dnsName: albDnsName,
      listeners: [{ port: 443, protocol: 'HTTPS', rules: [{ hosts: [host], paths: [pathPattern], status: 200, body: `{"team":"${name}"}` }] }],
    },
    input: {
      ...small.input,
      name,
      roleArn: `arn:aws:iam::${small.account.id}:role/${role}`,
      albArn,
      albDnsName,
      host,
      pathPattern,
      probePath,
      vpcOriginName: `${name}-${'v'.repeat(64 - name.length - 1)}`,
    },
  };
}

/** The example world plus `n` generated teams (and any extra patch). */
export function worldWithTeams(n: number, patch: Record<string, any> = {}, team: (i: number) => ReturnType<typeof generatedTeam> = generatedTeam) {
  const base = exampleWorldJson();
  const teams = Array.from({ length: n }, (_, i) => team(i + 1));
  return {
    ...base,
    ...patch,
    accounts: [...base.accounts, ...teams.map((t) => t.account)],
    // The generated teams' accounts are this deployment's team accounts too.
    deployment: { ...base.deployment, teamAccounts: [...base.deployment.teamAccounts, ...teams.map((t) => t.account.id)] },
    elbv2: { loadBalancers: [...base.elbv2.loadBalancers, ...teams.map((t) => t.alb)] },
    timings: { ...base.timings, ...(patch.timings ?? {}) },
  };
}

export function shareInput(teams: Array<Record<string, unknown>>, patch: Record<string, unknown> = {}) {
  return { ...exampleInput('vpc-origin-share'), ...patch, teams };
}

const TEAM_HOST = /^(t\d\d|team-[a-z])\.example\.com\.$/;

/**
 * Everything a share could leave behind, selected from the operator's view: VPC origins, RAM shares, the
 * teams' distribution, the team hosts' DNS records, leases and queued work. Equal before and after a
 * rolled-back run means nothing is orphaned.
 */
export function vpcWorld(sim: Simulator) {
  const view = operatorView(sim);
  return {
    ...sections(view, 'vpcOrigins', 'shares', 'stateItems'),
    distribution: view.distributions.find((d) => d.id === DIST)!,
    dns: view.dns[0].records.filter((r) => TEAM_HOST.test(r.Name)),
  };
}

/** Successful distribution changes (each starts a deployment). */
export const distributionUpdates = (sim: Simulator) =>
  sim.calls.filter((c) => c.operation === 'UpdateDistribution' && !c.error && (c.input as any).Id === DIST);

export interface CallSite {
  service: string;
  operation: string;
  account: string;
  n: number;
}

/**
 * Makes the n-th call (of that service, operation and account) fail with `error`, before its effect
 * or after it (the response is lost); `times` consecutive calls from there (default 1).
 */
export function failCall(sim: Simulator, site: CallSite, error: string, phase: 'before' | 'after', times = 1): void {
  const take = sim.faults.take.bind(sim.faults);
  const seen = { before: 0, after: 0 };
  sim.faults.take = (service: string, operation: string, account: string, p: 'before' | 'after'): FaultRule | undefined => {
    if (service === site.service && operation === site.operation && account === site.account) {
      const index = ++seen[p];
      if (p === phase && index >= site.n && index < site.n + times)
        return { service, operation, error, phase, message: `injected fault: call ${index} of ${operation} (${account}) failed with ${error}` };
    }
    return take(service, operation, account, p);
  };
}

/** Every distinct call site of a run: each (service, operation, account) at its first and its last call. */
export function callSites(calls: Array<{ service: string; operation: string; account: string; error: unknown }>): CallSite[] {
  const counts = new Map<string, { service: string; operation: string; account: string; count: number }>();
  for (const c of calls) {
    if (c.error) continue;
    const key = `${c.service}:${c.operation}:${c.account}`;
    const e = counts.get(key) ?? { service: c.service, operation: c.operation, account: c.account, count: 0 };
    e.count++;
    counts.set(key, e);
  }
  return [...counts.values()].flatMap((e) => {
    const sites = [{ service: e.service, operation: e.operation, account: e.account, n: 1 }];
    if (e.count > 1) sites.push({ ...sites[0], n: e.count });
    return sites;
  });
}

export const isMutatingOperation = (operation: string) =>
  /^(Create|Delete|Update|Accept|Disassociate|Associate|Change|Put|Tag)/.test(operation) || operation === 'UpdateItem';
