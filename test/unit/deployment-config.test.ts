import { DEPLOYMENT_ENV, parseDeploymentConfig } from '../../domain/deployment';
import { deployment, installDeployment } from '../../tasks/lib/deployment';

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
