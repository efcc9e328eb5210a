/**
 * Probes through the edge, as a client would: each team's host and probe path answers 200 (through
 * DNS); the same path under another host the distribution serves answers 403 or 404, so one team's
 * name never reaches another team's origin. Connects to the distribution for foreign hosts (like
 * curl --resolve), so no DNS is needed for them.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { httpRequest } from '../../platform/http';
import { PreparedTeam } from './additions';

const Event = z.object({ domainName: z.string(), teams: z.array(PreparedTeam).min(1), otherHosts: z.array(z.string()) });

const MAX_FOREIGN_PER_TEAM = 3;

async function probe(url: string, opts: { host?: string; connectTo?: string }) {
  try {
    const res = await httpRequest({ url, headers: opts.host ? { host: opts.host } : undefined, connectTo: opts.connectTo, timeoutMs: 10_000 });
    return { status: res.status, error: null as string | null };
  } catch (e) {
    return { status: 0, error: (e as Error).message };
  }
}

export const handler = defineTask('VerifyTeamIsolation', Event, async ({ domainName, teams, otherHosts }) => {
  const probes = [];
  const problems: string[] = [];
  for (const t of teams) {
    const url = `https://${t.host}${t.probePath}`;
    const own = await probe(url, {});
    probes.push({ url, expect: '200', status: own.status }); // the host is in the URL: the state holds every probe
    if (own.status !== 200) problems.push(`${url} answered ${own.status || own.error}, expected 200`);
    const parent = t.host.slice(t.host.indexOf('.') + 1);
    const others = [...teams.filter((o) => o.host !== t.host).map((o) => o.host), ...otherHosts.filter((h) => h !== t.host)];
    const foreign = others.length ? others.slice(0, MAX_FOREIGN_PER_TEAM) : [`isolation-probe.${parent}`];
    for (const host of foreign) {
      const foreignUrl = `https://${host}${t.probePath}`;
      const res = await probe(foreignUrl, { host, connectTo: domainName });
      probes.push({ url: foreignUrl, expect: '403|404', status: res.status });
      if (res.status !== 403 && res.status !== 404)
        problems.push(`${foreignUrl} answered ${res.status || res.error}, expected 403 or 404: ${host} reaches ${t.team}'s origin`);
    }
  }
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, `isolation check failed: ${problems.join('; ')}`);
  return { verified: true, probes };
});
