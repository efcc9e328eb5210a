/**
 * The small platform services the workflows lean on: Step Functions' callback API (task tokens)
 * and Secrets Manager (the customer's signing key, when a task signs authorization messages).
 */
import type * as SFN from '@aws-sdk/client-sfn';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { APPROVAL_KEY_SECRET_NAME } from '../../../domain/approval';
import { awsError } from '../../aws-error';
import type { SdkServiceModel } from '../../sdk-operations';

export const sfnModel: SdkServiceModel<Record<string, never>, typeof SFN> = {
  key: 'sfn',
  service: 'SFN',
  seed: () => ({}),
  snapshot: (_s, sim) => ({ pendingCallbacks: sim.taskTokens.pending().map((t) => ({ stateName: t.stateName, executionId: t.executionId })) }),
  operations: {
    SendTaskSuccess(ctx, input) {
      ctx.sim.taskTokens.succeed(ctx.required(input.taskToken, 'taskToken'), ctx.required(input.output, 'output'));
      return {};
    },
    SendTaskFailure(ctx, input) {
      ctx.sim.taskTokens.fail(ctx.required(input.taskToken, 'taskToken'), input.error, input.cause);
      return {};
    },
    SendTaskHeartbeat(ctx, input) {
      ctx.sim.taskTokens.heartbeat(ctx.required(input.taskToken, 'taskToken'));
      return {};
    },
  },
};

const SecretSeed = z.object({ account: z.string(), region: z.string(), name: z.string(), value: z.string() });
export const SecretsWorldSection = z.array(SecretSeed).default([]);

interface SecretsState {
  secrets: Array<z.infer<typeof SecretSeed> & { arn: string }>;
}

export const secretsManagerModel: SdkServiceModel<SecretsState, typeof SecretsManager> = {
  key: 'secretsmanager',
  service: 'SecretsManager',
  seed(world) {
    const seeds = SecretsWorldSection.parse(world.secrets ?? []);
    // infra creates the approval link key with a random value; a simulation that doesn't seed one gets a
    // simulated key fixed by the account, so the same world rehearses to the same decisions and links.
    if (!seeds.some((s) => s.name === APPROVAL_KEY_SECRET_NAME && s.account === world.defaultAccount && s.region === world.defaultRegion)) {
      const value = createHash('sha256').update(`byoip simulated approval link key\n${world.defaultAccount}\n${world.defaultRegion}`).digest('base64url');
      seeds.push({ account: world.defaultAccount, region: world.defaultRegion, name: APPROVAL_KEY_SECRET_NAME, value });
    }
    return {
      secrets: seeds.map((s) => ({
        ...s,
        arn: `arn:aws:secretsmanager:${s.region}:${s.account}:secret:${s.name}-AbCdEf`,
      })),
    };
  },
  /**
   * Secrets as a world section (sim/world-out.ts). The approval-link key the simulator generated is
   * left out (a new one is generated on load); values read from files go back as "file:" references.
   */
  toWorld(state, sim) {
    const seeded = new Set(
      ((sim.world.secrets as Array<{ name: string; account: string; region: string }> | undefined) ?? []).map((s) => `${s.account}/${s.region}/${s.name}`),
    );
    return {
      secrets: state.secrets
        .filter((s) => s.name !== APPROVAL_KEY_SECRET_NAME || seeded.has(`${s.account}/${s.region}/${s.name}`))
        .map(({ arn: _arn, ...s }) => s),
    };
  },
  // Never put secret values into reports.
  snapshot: (state) => ({ secrets: state.secrets.map((s) => ({ name: s.name, arn: s.arn, account: s.account })) }),
  operations: {
    GetSecretValue(ctx, input) {
      const s = ctx.state.secrets.find((x) => x.account === ctx.account && x.region === ctx.region && (x.name === input.SecretId || x.arn === input.SecretId));
      if (!s) throw awsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret: ${input.SecretId}`, 400);
      return { ARN: s.arn, Name: s.name, SecretString: s.value, VersionId: 'v1', VersionStages: ['AWSCURRENT'] };
    },
  },
};
