/** The CLI's internet evidence: `byoip doctor`, `--skip-preflight`, `--fault Internet:...`, and what the end of a rehearsal prints. */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { doctorInternet } from '../cli/doctor-internet';
import { byoipSync } from './support/cli-process';

const KEYS = join(__dirname, '..', 'examples', 'keys');

function capture() {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { out, text: () => text };
}

describe("byoip doctor --cidr [--asn] (against a world's simulated internet)", () => {
  it('passes a healthy prefix with the signing key, printing the certificate and the current routes', async () => {
    const c = capture();
    const code = await doctorInternet({ cidr: ['198.18.0.0/22'], signingKey: join(KEYS, 'customer-signing-key.pem'), world: 'examples/world.json' }, c.out);
    expect(code).toBe(0);
    expect(c.text()).toMatch(
      /^✓ RDAP 198\.18\.0\.0\/22 at ARIN \(NET-198-18-0-0-1\): certificate CN=Example Corp BYOIP \(SIMULATION ONLY\).*valid until 2036-11-19, SHA-256 10:FC:2B/,
    );
    expect(c.text()).toMatch(/✓ RPKI 198\.18\.3\.0\/24 from AS14618: valid/);
    expect(c.text()).toMatch(/ {2}BGP 198\.18\.0\.0\/24 \(RIS 2026-12-01T08:00:00\): originated by AS64500/);
    expect(c.text()).toMatch(/All pre-flight checks pass\.\n$/);
  });

  it('fails (exit 1) for the wrong key and a missing ROA for the ASN, with the fixes', async () => {
    const c = capture();
    const code = await doctorInternet(
      { cidr: ['198.19.0.0/24'], asn: 'AS64510', signingKey: join(KEYS, 'wrong-key.pem'), world: 'examples/byoasn-world.json' },
      c.out,
    );
    expect(code).toBe(1);
    expect(c.text()).toMatch(/✗ RDAP 198\.19\.0\.0\/24 at RIPE NCC .*\n {4}the certificate .* is not the public key of the signing key in .*wrong-key\.pem/);
    expect(c.text()).toMatch(/✗ RDAP AS64510 at IANA\n {4}IANA's RDAP bootstrap names no registry for AS64510/);
    expect(c.text()).toMatch(/✗ RPKI 198\.19\.0\.0\/24 from AS64510: invalid_asn/);
    expect(c.text()).toMatch(/Pre-flight checks FAIL/);
  });
});

describe('byoip simulate with the simulated internet', () => {
  it('stops on an internet fault before AWS, and with --skip-preflight the same fault fails at AWS instead', () => {
    const stopped = byoipSync([
      'simulate',
      'onboard-cloudfront-byoip',
      '-i',
      'examples/onboard-cloudfront-byoip.input.json',
      '-q',
      '--fault',
      'Internet:Rpki=MissingRoa',
    ]);
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(/error: PreflightCheckFailed: Pre-flight: 6 problem\(s\) outside AWS; nothing was changed in AWS/);
    expect(stopped.stderr).toMatch(/evidence from the internet:\n {2}PreflightInternetChecks: FAILED \(PreflightCheckFailed\)/);
    const skipped = byoipSync([
      'simulate',
      'onboard-cloudfront-byoip',
      '-i',
      'examples/onboard-cloudfront-byoip.input.json',
      '-q',
      '--fault',
      'Internet:Rpki=MissingRoa',
      '--skip-preflight',
      'RIPEstat blocked here',
    ]);
    expect(skipped.status).toBe(1);
    expect(skipped.stderr).toMatch(/error: ResourceFailed: .*failed-provision: The ROA for 198\.18\.0\.0\/22 does not authorize Amazon ASN 16509 and 14618/);
    expect(skipped.stderr).toMatch(
      /PreflightInternetChecks: SKIPPED\n {4}Pre-flight internet checks SKIPPED: requested in the input \(internetChecks\.skipPreflight\): RIPEstat blocked here/,
    );
    expect(byoipSync(['simulate', 'asn-swap', '--skip-preflight']).stderr).toMatch(/asn-swap has no internet checks/);
  });
});
