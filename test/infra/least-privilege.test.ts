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
import { synthTemplates } from './synth';

const ROOT = join(__dirname, '..', '..');

describe('least privilege', () => {
  const derived = deriveTaskActions(ROOT, taskCatalog);

  it('declares exactly the actions each handler calls', () => {
    expect(comparePermissions(derived, taskPermissions)).toEqual([]);
  });

  it('fences each role to the state-table partitions its handler\'s code builds keys for', () => {
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
      granted[task] = statements.filter((s: any) => s.Sid !== 'Logs').flatMap((s: any) => [].concat(s.Action)).sort();
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
});
