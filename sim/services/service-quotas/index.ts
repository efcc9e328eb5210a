/**
 * Service Quotas, for the quotas a run depends on (`byoip doctor`). The values are the same the other
 * models enforce: an account's `quotas` in the world (e.g. anycastIpLists, which CreateAnycastIpList
 * checks), else AWS's default.
 */
import type * as ServiceQuotas from '@aws-sdk/client-service-quotas';
import { awsError } from '../../aws-error';
import { page } from '../../paging';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext } from '../../simulator';

interface QuotaDefinition {
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly code: string;
  readonly name: string;
  /** The world's quota key (AccountSeed.quotas) that holds this account's value. */
  readonly worldKey?: string;
  readonly defaultValue: number;
  readonly adjustable: boolean;
  /** CloudFront's quotas are global: Service Quotas shows them in us-east-1. */
  readonly global: boolean;
}

/**
 * The quotas modelled. Codes as Service Quotas lists them; the anycast list quota's code was not found
 * in any source at hand, so the simulator uses a code of its own and `byoip doctor` finds the quota by name.
 */
export const SIMULATED_QUOTAS: readonly QuotaDefinition[] = [
  {
    serviceCode: 'cloudfront',
    serviceName: 'Amazon CloudFront',
    code: 'L-SIMANYCAST',
    name: 'Anycast static IP lists per AWS account',
    worldKey: 'anycastIpLists',
    defaultValue: 0,
    adjustable: true,
    global: true,
  },
  {
    serviceCode: 'cloudfront',
    serviceName: 'Amazon CloudFront',
    code: 'L-24B04930',
    name: 'Web distributions per AWS account',
    defaultValue: 500,
    adjustable: true,
    global: true,
  },
  {
    serviceCode: 'cloudfront',
    serviceName: 'Amazon CloudFront',
    code: 'L-AAD4943E',
    name: 'Alternate domain names (CNAMEs) per distribution',
    defaultValue: 100,
    adjustable: true,
    global: true,
  },
  {
    serviceCode: 'cloudfront',
    serviceName: 'Amazon CloudFront',
    code: 'L-F432D044',
    name: 'Cache behaviors per distribution',
    defaultValue: 75,
    adjustable: true,
    global: true,
  },
  {
    serviceCode: 'cloudfront',
    serviceName: 'Amazon CloudFront',
    code: 'L-B4048FB4',
    name: 'Origins per distribution',
    defaultValue: 100,
    adjustable: true,
    global: true,
  },
];

function shape(ctx: OpContext<unknown>, q: QuotaDefinition, value: number) {
  const region = q.global ? 'us-east-1' : ctx.region;
  return {
    ServiceCode: q.serviceCode,
    ServiceName: q.serviceName,
    QuotaCode: q.code,
    QuotaName: q.name,
    Value: value,
    Unit: 'None',
    Adjustable: q.adjustable,
    GlobalQuota: q.global,
    QuotaArn: `arn:aws:servicequotas:${region}:${ctx.account}:${q.serviceCode}/${q.code}`,
  };
}

function served(ctx: OpContext<unknown>, q: QuotaDefinition): boolean {
  return !q.global || ctx.region === 'us-east-1';
}

export const serviceQuotasModel: SdkServiceModel<Record<string, never>, typeof ServiceQuotas> = {
  key: 'servicequotas',
  service: 'ServiceQuotas',
  seed: () => ({}),
  snapshot: () => ({}),
  operations: {
    ListAWSDefaultServiceQuotas(ctx, input) {
      const quotas = SIMULATED_QUOTAS.filter((q) => q.serviceCode === input.ServiceCode && served(ctx, q));
      const p = page(ctx, quotas, { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100, scope: `quotas:${input.ServiceCode}` });
      if (quotas.length === 0)
        throw awsError('NoSuchResourceException', `The request failed because the specified service does not exist: ${input.ServiceCode}`);
      return { Quotas: p.items.map((q) => shape(ctx, q, q.defaultValue)), NextToken: p.next };
    },
    GetServiceQuota(ctx, input) {
      const q = SIMULATED_QUOTAS.find((x) => x.serviceCode === input.ServiceCode && x.code === input.QuotaCode && served(ctx, x));
      if (!q)
        throw awsError('NoSuchResourceException', `The request failed because the specified quota does not exist: ${input.ServiceCode}/${input.QuotaCode}`);
      return { Quota: shape(ctx, q, q.worldKey ? ctx.sim.quota(ctx.account, q.worldKey, q.defaultValue) : q.defaultValue) };
    },
  },
};
