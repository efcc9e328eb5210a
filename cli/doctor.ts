/**
 * `byoip doctor`: a read-only pre-flight of an account and Region before a real run. Each check says
 * ok, failed (with the fix and how long the fix takes) or skipped (why). Nothing is changed.
 *
 * The checks are a list: a new one (RDAP and RPKI evidence, issue #20) is one more `DoctorCheck`
 * appended to `doctorChecks`; its `run` gets the context and returns its verdict.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, paginateDescribeIpams, type Ipam } from '@aws-sdk/client-ec2';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetServiceQuotaCommand, ListAWSDefaultServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeploymentConfigSchema, parseDeploymentConfig, signingKeySecret, type DeploymentConfig } from '../domain/deployment';
import { client, defaultRegion } from '../platform/aws';
import { workflows } from '../workflows';
import { stateMachineName } from '../workflows/lib/workflow';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface Verdict {
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** For a failed check: what to do. */
  readonly fix?: string;
  /** For a failed check: how long the fix takes (reviews, propagation, deployments). */
  readonly takes?: string;
}

export interface CheckResult extends Verdict {
  readonly id: string;
  readonly title: string;
}

export interface DoctorContext {
  readonly region: string;
  /** The deployment configuration, or why it could not be read. */
  readonly config: DeploymentConfig;
  readonly configSource: string;
  readonly configError?: string;
  readonly signingKeySecretId?: string;
  readonly certificatePem?: string;
}

export interface DoctorCheck {
  readonly id: string;
  readonly title: string;
  run(ctx: DoctorContext): Promise<Verdict>;
}

/** Outputs of the stack the CLI relies on (`byoip approvals|status` read the state table). */
export const REQUIRED_STACK_OUTPUTS = ['StateTableName'] as const;
const USABLE_STACK = /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|IMPORT_COMPLETE)$/;
/** CloudFront's quotas are global; Service Quotas shows them in us-east-1. */
const QUOTAS_REGION = 'us-east-1';
const ANYCAST_QUOTA = /anycast static ip lists?/i;

const failed = (detail: string, fix: string, takes: string): Verdict => ({ status: 'failed', detail, fix, takes });
const ok = (detail: string): Verdict => ({ status: 'ok', detail });
const skipped = (detail: string): Verdict => ({ status: 'skipped', detail });
const denied = (e: unknown) => /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${(e as Error).name} ${(e as Error).message}`);

/** An AWS error the operator can act on: their own permissions, or the call's message. */
function callFailed(e: unknown, action: string): Verdict {
  const err = e as Error;
  return denied(e)
    ? failed(`${action} was denied: ${err.message}`, `run doctor with credentials that may call ${action} (read-only)`, 'minutes')
    : failed(`${action} failed: ${err.name}: ${err.message}`, 'retry; if it persists, check the Region and the service health', 'minutes');
}

export const configurationCheck: DoctorCheck = {
  id: 'configuration',
  title: 'Deployment configuration',
  async run(ctx) {
    if (ctx.configError)
      return failed(ctx.configError, `fix the "byoip" object in ${ctx.configSource} (docs/deploy.md)`, 'minutes, then a deployment (~20 min)');
    return ok(
      `${ctx.configSource}: stack ${ctx.config.stackName}, ${ctx.config.signing.keySecretArns.length} signing key secret(s), ${ctx.config.approvers.length} approver(s), ${ctx.config.hostedZoneIds.length || 'any'} hosted zone(s), ${ctx.config.teamAccounts.length} team account(s)`,
    );
  },
};

export const stackCheck: DoctorCheck = {
  id: 'stack',
  title: 'Orchestrator stack',
  async run(ctx) {
    const name = ctx.config.stackName;
    let stack;
    try {
      stack = (await client(CloudFormationClient, { region: ctx.region }).send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    } catch (e) {
      if (/does not exist/.test((e as Error).message))
        return failed(`stack ${name} is not deployed in ${ctx.region}`, 'deploy it: npx cdk deploy (docs/deploy.md)', 'about 20 minutes');
      return callFailed(e, 'cloudformation:DescribeStacks');
    }
    const status = stack?.StackStatus ?? 'unknown';
    if (!USABLE_STACK.test(status)) {
      return /IN_PROGRESS$/.test(status)
        ? failed(`stack ${name} is ${status}`, 'wait for the deployment to finish, then run doctor again', 'minutes')
        : failed(`stack ${name} is ${status}`, 'look at the stack events in the CloudFormation console, fix the cause and deploy again', 'about 20 minutes');
    }
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const missing = REQUIRED_STACK_OUTPUTS.filter((k) => !outputs[k]);
    if (missing.length)
      return failed(`stack ${name} (${status}) lacks output(s) ${missing.join(', ')}`, 'deploy the current version of the stack', 'about 20 minutes');
    return ok(
      `${name} ${status}; ${Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  },
};

export const stateMachinesCheck: DoctorCheck = {
  id: 'state-machines',
  title: 'Workflows deployed',
  async run(ctx) {
    const names = new Set<string>();
    try {
      let nextToken: string | undefined;
      do {
        const page = await client(SFNClient, { region: ctx.region }).send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }));
        for (const m of page.stateMachines ?? []) if (m.name) names.add(m.name);
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (e) {
      return callFailed(e, 'states:ListStateMachines');
    }
    const missing = workflows.map((w) => stateMachineName(w.name)).filter((n) => !names.has(n));
    if (missing.length)
      return failed(`missing in ${ctx.region}: ${missing.join(', ')}`, 'deploy the current version of the stack (npx cdk deploy)', 'about 20 minutes');
    return ok(`${workflows.length} state machines (byoip-*) in ${ctx.region}`);
  },
};

export const ipamCheck: DoctorCheck = {
  id: 'ipam',
  title: 'IPAM in its home Region, with a public scope',
  async run(ctx) {
    let ipams: Ipam[];
    try {
      ipams = [];
      for await (const p of paginateDescribeIpams({ client: client(EC2Client, { region: ctx.region }) }, {})) ipams.push(...(p.Ipams ?? []));
    } catch (e) {
      return callFailed(e, 'ec2:DescribeIpams');
    }
    const home = ipams.filter((i) => i.IpamRegion === ctx.region);
    if (home.length === 0) {
      if (ipams.length) {
        const elsewhere = ipams.map((i) => `${i.IpamId} (home ${i.IpamRegion})`).join(', ');
        return failed(
          `no IPAM has ${ctx.region} as its home Region: ${elsewhere}`,
          `run the orchestrator in the IPAM's home Region (deploy there, use --region ${ipams[0].IpamRegion})`,
          'about 20 minutes (a deployment)',
        );
      }
      return failed(
        `no IPAM in this account in ${ctx.region}`,
        `create one with ${ctx.region} as its home Region: aws ec2 create-ipam --region ${ctx.region} --operating-regions RegionName=${ctx.region} (or delegate IPAM administration to this account)`,
        'minutes',
      );
    }
    const withPublic = home.find((i) => i.PublicDefaultScopeId);
    if (!withPublic)
      return failed(
        `${home.map((i) => i.IpamId).join(', ')} has no public scope`,
        'use an IPAM with a public scope (every IPAM has one by default; recreate it if it was removed)',
        'minutes',
      );
    return ok(
      `${withPublic.IpamId} (home Region ${ctx.region}), public scope ${withPublic.PublicDefaultScopeId}${withPublic.Tier ? `, ${withPublic.Tier} tier` : ''}`,
    );
  },
};

export const anycastQuotaCheck: DoctorCheck = {
  id: 'anycast-quota',
  title: 'CloudFront anycast static IP lists quota',
  async run() {
    const sq = client(ServiceQuotasClient, { region: QUOTAS_REGION });
    try {
      let quota;
      let nextToken: string | undefined;
      do {
        const page = await sq.send(new ListAWSDefaultServiceQuotasCommand({ ServiceCode: 'cloudfront', NextToken: nextToken, MaxResults: 100 }));
        quota = page.Quotas?.find((q) => ANYCAST_QUOTA.test(q.QuotaName ?? ''));
        nextToken = quota ? undefined : page.NextToken;
      } while (nextToken);
      if (!quota?.QuotaCode) {
        return failed(
          'Service Quotas lists no anycast static IP list quota for CloudFront',
          'request Anycast static IPs (BYOIP) from CloudFront through an AWS Support case',
          'up to 2 days (CloudFront reviews the request)',
        );
      }
      const applied = (await sq.send(new GetServiceQuotaCommand({ ServiceCode: 'cloudfront', QuotaCode: quota.QuotaCode }))).Quota;
      const value = applied?.Value ?? quota.Value ?? 0;
      if (value > 0) return ok(`${quota.QuotaName}: ${value} (${quota.QuotaCode})`);
      return failed(
        `${quota.QuotaName}: ${value} (${quota.QuotaCode}); CreateAnycastIpList would fail`,
        'request Anycast static IPs from CloudFront (AWS Support case), which raises this quota above 0',
        'up to 2 days (CloudFront reviews the request)',
      );
    } catch (e) {
      return callFailed(e, 'servicequotas:ListAWSDefaultServiceQuotas / GetServiceQuota');
    }
  },
};

/** Why a PEM is not an unencrypted private key, or undefined when it is one. */
function pemProblem(pem: string): string | undefined {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem))
    return 'it is encrypted (a passphrase protects it); the signing task reads it without one';
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) return 'it holds no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)';
  return undefined;
}

export const signingKeyCheck: DoctorCheck = {
  id: 'signing-key',
  title: 'Signing key secret',
  async run(ctx) {
    const id = ctx.signingKeySecretId ?? ctx.config.signing.keySecretArns[0];
    if (!id)
      return skipped(
        "no byoip.signing.keySecretArns configured; pass --signing-key-secret <name> (and --certificate <file>) to check the customer's signing key",
      );
    const name = id.startsWith('arn:')
      ? id
          .split(':')
          .slice(6)
          .join(':')
          .replace(/-[A-Za-z0-9]{6}$/, '')
      : id;
    if (!signingKeySecret(ctx.config, id)) {
      return failed(
        `${id} is not one of the signing key secrets the deployment may read (byoip.signing.keySecretArns)`,
        'add its complete ARN to byoip.signing.keySecretArns and deploy, or pass the configured one',
        'minutes, then a deployment (~20 min)',
      );
    }
    let pem: string | undefined;
    try {
      pem = (await client(SecretsManagerClient, { region: ctx.region }).send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException')
        return failed(
          `secret ${id} does not exist in ${ctx.region}`,
          `create it: aws secretsmanager create-secret --name ${name} --secret-string file://private-key.pem (docs/deploy.md)`,
          'minutes',
        );
      return callFailed(e, 'secretsmanager:GetSecretValue');
    }
    const problem = pem === undefined ? 'it has no SecretString (a binary secret)' : pemProblem(pem);
    if (problem)
      return failed(
        `${id}: ${problem}`,
        'store the unencrypted PEM: openssl pkey -in encrypted.pem -out private-key.pem, then aws secretsmanager put-secret-value --secret-id <name> --secret-string file://private-key.pem',
        'minutes',
      );
    let key;
    try {
      key = createPrivateKey({ key: pem!, format: 'pem' });
    } catch (e) {
      return failed(`${id}: the PEM does not parse (${(e as Error).message})`, 'store the key as generated by openssl genpkey (docs/deploy.md)', 'minutes');
    }
    if (key.asymmetricKeyType !== 'rsa')
      return failed(
        `${id}: a ${key.asymmetricKeyType} key; BYOIP authorization messages are signed with RSA`,
        'generate an RSA 2048 key and publish its certificate in RDAP (docs/deploy.md)',
        'minutes, then up to a day for RDAP',
      );
    if (!ctx.certificatePem)
      return ok(
        `${id}: unencrypted RSA private key (${key.asymmetricKeyDetails?.modulusLength} bits); pass --certificate to compare it with the RDAP certificate`,
      );
    let cert;
    try {
      cert = new X509Certificate(ctx.certificatePem);
    } catch (e) {
      return failed(`the certificate does not parse (${(e as Error).message})`, 'pass the PEM certificate published in RDAP', 'minutes');
    }
    const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' }).toString('base64');
    if (spki(createPublicKey(key)) !== spki(cert.publicKey)) {
      return failed(
        `${id}: its public key is not the one in the certificate (${cert.subject.replace(/\n/g, ', ')})`,
        "store the private key that belongs to the RDAP certificate, or publish this key's certificate in RDAP",
        'minutes for the secret; RDAP changes up to a day',
      );
    }
    return ok(`${id}: unencrypted RSA private key matching the certificate (${cert.subject.replace(/\n/g, ', ')}, valid to ${cert.validTo})`);
  },
};

export const hostedZonesCheck: DoctorCheck = {
  id: 'hosted-zones',
  title: 'Hosted zones reachable',
  async run(ctx) {
    const ids = ctx.config.hostedZoneIds;
    if (ids.length === 0) return skipped('no hostedZoneIds configured: the DNS tasks may change any zone of the account');
    const r53 = client(Route53Client, { region: 'us-east-1' });
    const found: string[] = [];
    const problems: string[] = [];
    for (const id of ids) {
      try {
        const zone = (await r53.send(new GetHostedZoneCommand({ Id: id }))).HostedZone;
        found.push(`${id} ${zone?.Name}${zone?.Config?.PrivateZone ? ' (private!)' : ''}`);
        if (zone?.Config?.PrivateZone) problems.push(`${id} is a private zone: the internet does not see its records`);
      } catch (e) {
        problems.push(
          (e as Error).name === 'NoSuchHostedZone' ? `${id} does not exist in this account` : `${id}: ${(e as Error).name}: ${(e as Error).message}`,
        );
      }
    }
    if (problems.length)
      return failed(
        problems.join('; '),
        'correct hostedZoneIds in the deployment configuration (public zones of this account) and deploy',
        'minutes, then a deployment (~20 min)',
      );
    return ok(found.join(', '));
  },
};

/** The checks, in order. Append to extend (issue #20: RDAP, RPKI). */
export const doctorChecks: DoctorCheck[] = [
  configurationCheck,
  stackCheck,
  stateMachinesCheck,
  ipamCheck,
  anycastQuotaCheck,
  signingKeyCheck,
  hostedZonesCheck,
];

/** The deployment configuration from a cdk.json (context "byoip") or a file holding the object itself. */
export function readConfig(file: string): { config: DeploymentConfig; source: string; error?: string } {
  const defaults = DeploymentConfigSchema.parse({});
  if (!existsSync(file)) return { config: defaults, source: `${file} (absent: defaults)` };
  try {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const raw = json?.context && 'byoip' in json.context ? json.context.byoip : json?.context ? {} : json;
    return { config: parseDeploymentConfig(raw, `"byoip" in ${file}`), source: file };
  } catch (e) {
    return { config: defaults, source: file, error: (e as Error).message };
  }
}

export interface DoctorOptions {
  readonly region?: string;
  readonly configFile?: string;
  readonly signingKeySecretId?: string;
  readonly certificatePem?: string;
}

/** Runs every check (read-only) and returns the verdicts in order; a check that throws is a failed check. */
export async function runDoctor(o: DoctorOptions, checks: readonly DoctorCheck[] = doctorChecks): Promise<CheckResult[]> {
  const { config, source, error } = readConfig(o.configFile ?? 'cdk.json');
  const ctx: DoctorContext = {
    region: o.region ?? defaultRegion(),
    config,
    configSource: source,
    configError: error,
    signingKeySecretId: o.signingKeySecretId,
    certificatePem: o.certificatePem,
  };
  const results: CheckResult[] = [];
  for (const c of checks) {
    let verdict: Verdict;
    try {
      verdict = await c.run(ctx);
    } catch (e) {
      verdict = failed(`the check itself failed: ${(e as Error).message}`, 'report this; run the other checks by hand meanwhile', 'n/a');
    }
    results.push({ id: c.id, title: c.title, ...verdict });
  }
  return results;
}

export function formatDoctor(results: readonly CheckResult[]): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok     ', failed: 'FAILED ', skipped: 'skipped' };
  const lines = results.map((r) => {
    const head = `${mark[r.status]}  ${r.title}: ${r.detail}`;
    return r.status === 'failed' ? `${head}\n         fix: ${r.fix}\n         takes: ${r.takes}` : head;
  });
  const bad = results.filter((r) => r.status === 'failed').length;
  lines.push('', bad ? `${bad} check(s) failed: fix them before a real run.` : 'ready: every check passed or was skipped.');
  return `${lines.join('\n')}\n`;
}
