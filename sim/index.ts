/**
 * The simulated AWS, assembled. New service models are added to `serviceModels`.
 */
import { cloudFormationModel } from './services/cloudformation';
import { cloudfrontModel } from './services/cloudfront';
import { dynamoDbModel } from './services/dynamodb';
import { ec2IpamModel } from './services/ec2/ipam';
import { globalAcceleratorModel } from './services/global-accelerator';
import { ec2NetworkModel } from './services/ec2/network';
import { ipRangesModel } from './services/ip-ranges';
import { internetModel } from './internet/model';
import { elbv2Model } from './services/elbv2';
import { secretsManagerModel, sfnModel } from './services/platform';
import { ramModel } from './services/ram';
import { serviceQuotasModel } from './services/service-quotas';
import { route53Model } from './services/route53';
import { snsModel } from './services/sns';
import { stsModel } from './services/sts';
import { stepFunctionsModel } from './services/stepfunctions';
import { Simulator, type ServiceModel } from './simulator';
import { loadWorldFile, parseWorld, type WorldSeed } from './world';
import { worldProblems } from './world-schema';

export const serviceModels: ServiceModel<any>[] = [
  ec2IpamModel,
  cloudfrontModel,
  route53Model,
  sfnModel,
  secretsManagerModel,
  dynamoDbModel,
  globalAcceleratorModel,
  ec2NetworkModel,
  ipRangesModel,
  snsModel,
  ramModel,
  elbv2Model,
  internetModel,
  stsModel,
  stepFunctionsModel,
  cloudFormationModel,
  serviceQuotasModel,
];

/** A simulator seeded from a world file path, or from a world object (validated here, strictly: sim/world-schema.ts). */
export function createSimulator(world: string | unknown, baseDir?: string): Simulator {
  const seed: WorldSeed = typeof world === 'string' ? loadWorldFile(world, worldProblems) : parseWorld(world, baseDir, worldProblems);
  return new Simulator(seed, serviceModels);
}

export { Simulator } from './simulator';
export type { AwsCallRecord, ServiceModel } from './simulator';
