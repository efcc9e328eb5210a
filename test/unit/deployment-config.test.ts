import { approversFor, DEPLOYMENT_ENV, deployableProblems, maySignAsn, maySignPrefix, parseDeploymentConfig, signingKeySecret } from '../../domain/deployment';
import { deployment, installDeployment } from '../../platform/deployment';

describe('the one deployment configuration', () => {
  it('accepts the object from cdk.json and the JSON string CDK passes for -c byoip=...', () => {
    const obj = parseDeploymentConfig({ teamAccounts: ['444455556666'] });
    const str = parseDeploymentConfig('{"teamAccounts":["444455556666"]}');
    expect(str).toEqual(obj);
    expect(obj.teamAccounts).toEqual(['444455556666']);
  });

  it('names a misspelt field and a bad value', () => {
    expect(() => parseDeploymentConfig({ teamAcounts: [] })).toThrow(/teamAcounts/);
    expect(() => parseDeploymentConfig({ teamAccounts: ['4444'] })).toThrow(/byoip\.teamAccounts\.0/);
    expect(() => parseDeploymentConfig('{not json')).toThrow(/not JSON/);
  });

  it('takes approvers from the deployment; an input may narrow them, never extend them', () => {
    const c = parseDeploymentConfig({ approvers: ['Alice@example.com', 'bob@example.com'] });
    expect(approversFor(c, undefined)).toEqual({ approvers: ['Alice@example.com', 'bob@example.com'], problems: [] });
    expect(approversFor(c, ['alice@EXAMPLE.com'])).toEqual({ approvers: ['Alice@example.com'], problems: [] });
    expect(approversFor(c, ['bob@example.com', 'mallory@evil.example']).problems).toEqual([
      expect.stringMatching(/^mallory@evil\.example is not a configured approver/),
    ]);
    expect(approversFor(parseDeploymentConfig({}), ['bob@example.com']).problems).toEqual(['the deployment has no approvers (byoip.approvers)']);
  });

  it('lists what may be signed, and with which key', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byoip/key-AbCdEf';
    const c = parseDeploymentConfig({ signing: { keySecretArns: [arn], prefixes: ['198.18.0.0/22'], asns: ['64496'] } });
    expect([
      maySignPrefix(c, '198.18.1.0/24'),
      maySignPrefix(c, '198.18.0.0/22'),
      maySignPrefix(c, '198.18.0.0/21'),
      maySignPrefix(c, '203.0.113.0/24'),
    ]).toEqual([true, true, false, false]);
    expect([maySignAsn(c, '64496'), maySignAsn(c, '64497')]).toEqual([true, false]);
    expect([signingKeySecret(c, 'byoip/key'), signingKeySecret(c, arn), signingKeySecret(c, 'byoip/other')]).toEqual([arn, arn, undefined]);
    expect(c.signing.maxAuthorizationDays).toBe(30);
    expect(() => parseDeploymentConfig({ signing: { keySecretArns: ['byoip/key'] } })).toThrow(
      /byoip\.signing\.keySecretArns\.0: must be a complete Secrets Manager secret ARN/,
    );
  });

  it('names what a deployment needs to be trusted', () => {
    expect(deployableProblems(parseDeploymentConfig({}), ['onboard-cloudfront-byoip'])).toEqual([
      expect.stringMatching(/^byoip\.approvers: needs at least one approver/),
    ]);
    expect(deployableProblems(parseDeploymentConfig({ approvers: ['a@example.com'] }), ['vpc-origin-share'])).toEqual([
      expect.stringMatching(/^byoip\.teamAccounts: /),
    ]);
  });

  describe('at run time', () => {
    const saved = process.env[DEPLOYMENT_ENV];
    afterEach(() => {
      installDeployment(undefined);
      if (saved === undefined) delete process.env[DEPLOYMENT_ENV];
      else process.env[DEPLOYMENT_ENV] = saved;
    });

    it('fails closed without a configuration', () => {
      delete process.env[DEPLOYMENT_ENV];
      expect(() => deployment()).toThrow(expect.objectContaining({ name: 'ConfigurationInvalid' }));
    });

    it('reads the environment set by the CDK app, and an invalid one fails closed', () => {
      process.env[DEPLOYMENT_ENV] = JSON.stringify({ hostedZoneIds: ['Z0EXAMPLE000001'] });
      expect(deployment().hostedZoneIds).toEqual(['Z0EXAMPLE000001']);
      process.env[DEPLOYMENT_ENV] = JSON.stringify({ hostedZoneIds: 'Z0EXAMPLE000001' });
      expect(() => deployment()).toThrow(expect.objectContaining({ name: 'ConfigurationInvalid' }));
    });

    it('prefers what the simulator installed', () => {
      installDeployment(parseDeploymentConfig({ stackName: 'Rehearsal' }));
      expect(deployment().stackName).toBe('Rehearsal');
    });
  });
});
