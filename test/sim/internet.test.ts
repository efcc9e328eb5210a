/**
 * The simulated internet: its hosts answer in the real services' formats (parsed here by the same
 * schemas the tasks use), the route collectors see AWS's advertisement converge over virtual minutes
 * and the old route vanish when its announcer withdraws, faults work per request or change the world,
 * and the world's internet section is validated and feeds AWS's own provisioning checks.
 */
import { LookingGlassSchema, RoutingStatusSchema } from '../../domain/internet/bgp';
import { BootstrapSchema, certificatesInRecord, RdapObjectSchema } from '../../domain/internet/rdap';
import { RipestatRpkiValidationSchema, VrpExportSchema, vrpsFromExport } from '../../domain/internet/rpki';
import { createSimulator } from '../../sim';
import { visibilityNow, withdrawRoute } from '../../sim/internet/model';
import { parseInternetFault, withInternetFaults } from '../../sim/internet/world';
import { httpRequest } from '../../platform/http';
import { byoasnSim } from '../support/byoasn';
import { CERTIFICATE, EXAMPLES, exampleSim, exampleWorldJson, within } from '../support/world';
import { byoipRef } from '../../sim/services/ec2/ipam';

const get = async (url: string) => {
  const res = await httpRequest({ url });
  let json: any;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json };
};

describe('the simulated internet answers like the real services', () => {
  it("serves IANA bootstrap files and each RIR's RDAP style, with the certificate where that RIR puts it", async () => {
    const sim = byoasnSim();
    await within(sim, async () => {
      const v4 = BootstrapSchema.parse((await get('https://data.iana.org/rdap/ipv4.json')).json);
      expect(v4.services).toEqual([[['198.0.0.0/8'], ['https://rdap.db.ripe.net/']]]);
      expect(BootstrapSchema.parse((await get('https://data.iana.org/rdap/asn.json')).json).services[0][0]).toEqual(['64496-64496', '64497-64497']);
      const net = await get('https://rdap.db.ripe.net/ip/198.19.0.0/24');
      expect(net.headers['content-type']).toBe('application/rdap+json');
      const record = RdapObjectSchema.parse(net.json);
      expect(record).toMatchObject({
        handle: '198.19.0.0 - 198.19.3.255',
        startAddress: '198.19.0.0',
        endAddress: '198.19.3.255',
        remarks: [{ description: ['Example Corp', expect.stringMatching(/^-----BEGIN CERTIFICATE-----MII\S+-----END CERTIFICATE-----$/)] }],
      });
      expect(net.json.remarks[0].title).toBeUndefined(); // RIPE: descr lines, untitled
      expect(certificatesInRecord(record)[0].replace(/\s/g, '')).toBe(CERTIFICATE.replace(/\s/g, ''));
      const as = RdapObjectSchema.parse((await get('https://rdap.db.ripe.net/autnum/64496')).json);
      expect(as).toMatchObject({ objectClassName: 'autnum', startAutnum: 64496, handle: 'AS64496' });
      // Another RIR refers the query to the one holding the block; unknown resources are RFC 9083 errors.
      expect(await get('https://rdap.arin.net/registry/ip/198.19.0.0/24')).toMatchObject({
        status: 301,
        headers: { location: 'https://rdap.db.ripe.net/ip/198.19.0.0/24' },
      });
      expect(await get('https://rdap.db.ripe.net/ip/203.0.113.0/24')).toMatchObject({ status: 404, json: { errorCode: 404, title: 'Not Found' } });
    });
    const arin = exampleSim();
    await within(arin, async () => {
      const record = (await get('https://rdap.arin.net/registry/ip/198.18.0.0/22')).json;
      expect(record).toMatchObject({
        handle: 'NET-198-18-0-0-1',
        type: 'DIRECT ALLOCATION',
        cidr0_cidrs: [{ v4prefix: '198.18.0.0', length: 22 }],
        remarks: [{ title: 'Registration Comments' }],
      });
    });
  });

  it('answers RIPEstat rpki-validation, routing-status and looking-glass, and a validator export', async () => {
    const sim = exampleSim({ internet: { validatorExport: { url: 'https://rpki.example.net/export.json', format: 'rpki-client-json' } } });
    await within(sim, async () => {
      const rpki = RipestatRpkiValidationSchema.parse(
        (await get('https://stat.ripe.net/data/rpki-validation/data.json?resource=AS16509&prefix=198.18.0.0%2F24')).json,
      ).data;
      expect(rpki).toMatchObject({ status: 'valid', prefix: '198.18.0.0/24', resource: '16509' });
      expect(rpki.validating_roas.map((r) => [r.origin, r.validity])).toEqual([
        [16509, 'valid'],
        [14618, 'invalid_asn'],
        [64496, 'invalid_asn'],
        [64500, 'invalid_asn'],
      ]);
      const status = RoutingStatusSchema.parse((await get('https://stat.ripe.net/data/routing-status/data.json?resource=198.19.0.0/24')).json).data;
      expect(status).toMatchObject({
        query_time: '2026-12-01T08:00:00',
        origins: [],
        less_specifics: [{ prefix: '198.19.0.0/23', origin: 64500 }],
        visibility: { v4: { total_ris_peers: 40 } },
      });
      const lg = LookingGlassSchema.parse((await get('https://stat.ripe.net/data/looking-glass/data.json?resource=198.18.0.0/24')).json).data;
      expect(lg.rrcs.map((r) => r.rrc)).toEqual(['RRC00', 'RRC01', 'RRC06', 'RRC11', 'RRC15']);
      expect(lg.rrcs[0].peers[0]).toMatchObject({ asn_origin: 64500, prefix: '198.18.0.0/24', as_path: expect.stringMatching(/ 64500$/) });
      expect(vrpsFromExport(VrpExportSchema.parse((await get('https://rpki.example.net/export.json')).json)).format).toBe('rpki-client-json');
      expect((await get('https://stat.ripe.net/data/rpki-validation/data.json?prefix=198.18.0.0/24')).json).toMatchObject({
        status: 'error',
        status_code: 400,
      });
    });
  });

  it('answers from the last RIS snapshot for routing-status (00:00, 08:00, 16:00 UTC)', async () => {
    const sim = exampleSim();
    sim.clock.advance(9 * 3600_000);
    await within(sim, async () => {
      expect((await get('https://stat.ripe.net/data/routing-status/data.json?resource=198.18.0.0/24')).json.data.query_time).toBe('2026-12-01T16:00:00');
    });
  });
});

describe('route collectors in virtual time', () => {
  it("see AWS's advertisement converge over the convergence time, and the old route leave with it", async () => {
    const sim = exampleSim({ internet: { routes: [{ prefix: '198.18.0.0/24', originAsn: 64500, withdraw: 'never' }] } });
    const at = (s: number) => sim.clock.advance(s * 1000);
    expect(visibilityNow(sim, '198.18.0.0/24').byOrigin).toEqual({ 64500: expect.any(Number) });
    // Seed AWS's side as the EC2 model has it after AdvertiseByoipCidr: advertised from now.
    const ipam = sim.state<any>('ec2.ipam');
    ipam.byoipCidrs.push({
      account: '111122223333',
      region: 'us-east-1',
      Cidr: '198.18.0.0/24',
      IpamPoolId: 'p',
      AdvertisementType: 'anycast',
      lc: { state: 'advertised', since: sim.clock.now(), next: [] },
    });
    sim.recordTransition(byoipRef('198.18.0.0/24'), 'pending-advertising', 'advertised', sim.clock.now());
    const seen = () => visibilityNow(sim, '198.18.0.0/24').byOrigin[16509] ?? 0;
    expect(seen()).toBeLessThan(5);
    at(20);
    const early = seen();
    at(50);
    const late = seen();
    expect(early).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(early);
    // The old provider has not withdrawn: peers holding both routes keep one or the other.
    const both = visibilityNow(sim, '198.18.0.0/24').byOrigin;
    expect(both[64500]).toBeGreaterThan(0);
    expect(both[16509] + both[64500]).toBeGreaterThanOrEqual(38);
    expect(withdrawRoute(sim, '198.18.0.0/24', 64500)).toBe(1);
    at(61);
    expect(visibilityNow(sim, '198.18.0.0/24').byOrigin[64500]).toBeUndefined();
    expect(seen()).toBeGreaterThanOrEqual(36); // 97 % reach of 40 peers
  });

  it("the world's old provider withdraws on its own when AWS starts announcing (the coordinated cutover)", async () => {
    const sim = exampleSim();
    const ipam = sim.state<any>('ec2.ipam');
    ipam.byoipCidrs.push({
      account: '111122223333',
      region: 'us-east-1',
      Cidr: '198.18.1.0/24',
      IpamPoolId: 'p',
      AdvertisementType: 'anycast',
      lc: { state: 'advertised', since: sim.clock.now(), next: [] },
    });
    sim.recordTransition(byoipRef('198.18.1.0/24'), 'pending-advertising', 'advertised', sim.clock.now());
    sim.clock.advance(200_000); // 20 s delay + 60 s withdrawal spread
    expect(visibilityNow(sim, '198.18.1.0/24').byOrigin).toEqual({ 16509: expect.any(Number) });
  });
});

describe('faults and the world section', () => {
  it('consumes request faults per request (xN) and leaves the world alone', async () => {
    const sim = exampleSim({ internet: { faults: ['Rdap=ServerErrorx1', 'Bgp=RateLimitedx1'] } });
    await within(sim, async () => {
      expect((await get('https://data.iana.org/rdap/ipv4.json')).status).toBe(503);
      expect((await get('https://data.iana.org/rdap/ipv4.json')).status).toBe(200);
      expect((await get('https://stat.ripe.net/data/looking-glass/data.json?resource=198.18.0.0/24')).status).toBe(429);
      expect((await get('https://stat.ripe.net/data/looking-glass/data.json?resource=198.18.0.0/24')).status).toBe(200);
    });
    sim.faults.add('Internet:All=Unreachable');
    await within(sim, async () => {
      await expect(httpRequest({ url: 'https://stat.ripe.net/data/looking-glass/data.json?resource=198.18.0.0/24' })).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    });
  });

  it('applies a state fault added at run time to what the services show', async () => {
    const sim = exampleSim();
    sim.faults.add('Internet:Rpki=MissingRoa');
    await within(sim, async () => {
      expect((await get('https://stat.ripe.net/data/rpki-validation/data.json?resource=AS16509&prefix=198.18.0.0/24')).json.data.status).toBe('invalid_asn');
    });
  });

  it('derives the registry AWS verifies against from the internet section, faults included; an explicit record wins', () => {
    const registry = (s: ReturnType<typeof exampleSim>) => s.world.registry as any;
    expect(registry(exampleSim()).prefixes.map((p: any) => [p.cidr, p.roa])).toEqual([
      ['198.18.0.0/22', { asns: [16509, 14618, 64496, 64500], maxLength: 24 }],
      ['198.19.0.0/23', { asns: [16509, 14618, 64496, 64500], maxLength: 24 }],
    ]);
    expect(registry(exampleSim({ internet: { faults: ['Rpki=MissingRoa'] } })).prefixes[0].roa.asns).toEqual([64496, 64500]);
    expect(registry(exampleSim({ internet: { faults: ['Rdap=CertificateMismatch'] } })).prefixes[0].rdapCertificate).toMatch(/BEGIN CERTIFICATE/);
    expect(registry(exampleSim({ internet: { faults: ['Rdap=CertificateMismatch'] } })).prefixes[0].rdapCertificate).not.toBe(CERTIFICATE);
    const explicit = exampleSim({
      registry: { prefixes: [{ cidr: '198.18.0.0/22', rdapCertificate: 'file:keys/customer-rdap-certificate.pem', roa: { asns: [16509], maxLength: 24 } }] },
    });
    expect(registry(explicit).prefixes[0].roa).toEqual({ asns: [16509], maxLength: 24 });
    expect(registry(byoasnSim()).asns.map((a: any) => a.asn)).toEqual(['64496', '64497']);
  });

  it('validates the section and the fault names, naming the field', () => {
    expect(() => exampleSim({ internet: { roas: [{ prefix: '198.18.0.0/22', maxLength: 20, asn: 16509 }] } })).toThrow(
      /world\.internet\.roas\.0\.maxLength: maxLength is shorter than the prefix/,
    );
    expect(() => exampleSim({ internet: { rdap: [{ resource: 'example.com' }] } })).toThrow(/world\.internet\.rdap\.0\.resource: must be a CIDR or an ASN/);
    expect(() => exampleSim({ internet: { faults: ['Rpki=Missing'] } })).toThrow(
      /world\.internet\.faults\.0: unknown internet fault "Rpki=Missing"; known: Rpki=MissingRoa/,
    );
    expect(() => parseInternetFault('Internet:Rpki=MissingRoax2')).toThrow(/takes no xN/);
    expect(parseInternetFault('Internet:Bgp=Timeoutx3')).toEqual({ service: 'Bgp', fault: 'Timeout', times: 3, kind: 'request' });
    const world = exampleWorldJson();
    delete world.internet;
    expect(() => withInternetFaults(world, ['Internet:Rpki=MissingRoa'])).toThrow(/no "internet" section/);
    expect(createSimulator(world, EXAMPLES).world.deployment.internet.checks).toBe('off');
  });
});
