/**
 * The commands that act on a deployed orchestrator (docs/operations.md): start, watch, status, doctor
 * (with --cidr, doctor also gathers the evidence outside AWS: cli/doctor-internet.ts).
 * Registered on the `byoip` program by cli/main.ts.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveExecution, startExecution, statusReport, watchExecution } from './executions';
import { formatDoctor, runDoctor } from './doctor';
import { doctorInternet } from './doctor-internet';

function readInput(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
}

const region = (c: Command) => c.option('--region <region>', 'AWS Region of the orchestrator (default: AWS_REGION)');

export function registerRealCommands(program: Command, exit: (code: number) => void): void {
  region(program.command('start <workflow>').description('start an execution of a deployed workflow (StartExecution)'))
    .requiredOption('-i, --input <file>', 'execution input (JSON), checked here first as the workflow checks it')
    .option('-n, --name <name>', 'execution name (1-80 characters; unique for 90 days), e.g. a change number')
    .option('--watch', 'follow the execution once started (as byoip watch)')
    .action(async (workflow: string, opts: { input: string; name?: string; region?: string; watch?: boolean }) => {
      const started = await startExecution({ workflow, input: readInput(opts.input), name: opts.name, region: opts.region });
      process.stdout.write(`${started.executionArn}\n`);
      process.stderr.write(`started ${started.startDate.toISOString()}; follow it with: byoip watch ${started.executionArn}\n`);
      if (!opts.watch) return exit(0);
      const end = await watchExecution({ executionArn: started.executionArn, region: opts.region });
      exit(end.status === 'SUCCEEDED' ? 0 : 1);
    });

  region(program.command('watch <execution>').description('follow an execution: live progress and where the time went (GetExecutionHistory)'))
    .option('--no-follow', 'print what happened so far and stop')
    .option('--interval <seconds>', 'seconds between history reads while following', '10')
    .action(async (execution: string, opts: { follow: boolean; interval: string; region?: string }) => {
      const executionArn = await resolveExecution(execution, opts);
      const end = await watchExecution({ executionArn, follow: opts.follow, intervalMs: Number(opts.interval) * 1000, region: opts.region });
      exit(end.status === 'SUCCEEDED' || end.status === 'RUNNING' ? 0 : 1);
    });

  region(program.command('status').description('recent executions of every workflow, and pending approvals'))
    .option('--limit <n>', 'executions per workflow', '5')
    .option('--table <name>', 'state table (default: STATE_TABLE_NAME or byoip-orchestrator-state)')
    .action(async (opts: { limit: string; region?: string; table?: string }) => {
      process.stdout.write(await statusReport({ limit: Number(opts.limit), region: opts.region, table: opts.table }));
      exit(0);
    });

  region(
    program
      .command('doctor')
      .description('read-only pre-flight: this account and Region (what a real run needs) and, with --cidr, the evidence outside AWS (RDAP, RPKI, BGP)'),
  )
    .option('--config <file>', 'the "byoip" deployment configuration (a cdk.json, or the object itself)', 'cdk.json')
    .option('--signing-key-secret <id>', "Secrets Manager secret with the customer's signing key (PEM)")
    .option('--certificate <file>', 'the certificate published in RDAP (PEM), whose public key the signing key must match')
    .option(
      '--cidr <cidr>',
      'a CIDR you will bring: also check its RDAP certificate, ROAs and current routes (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--asn <asn>', 'with --cidr, for BYOASN: your ASN (its RDAP record and ROAs are checked too)')
    .option('--signing-key <file>', 'with --cidr: the PEM private key that signs the authorization messages (the RDAP certificate must be its certificate)')
    .option('--world <file>', "with --cidr: check a simulated world's internet instead of the real services, and skip the account checks (no network, no AWS)")
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        config: string;
        signingKeySecret?: string;
        certificate?: string;
        region?: string;
        json?: boolean;
        cidr: string[];
        asn?: string;
        signingKey?: string;
        world?: string;
      }) => {
        let failed = false;
        if (opts.world) {
          if (!opts.cidr.length) throw new Error("--world checks a simulated world's internet: give --cidr");
          process.stderr.write("account checks skipped: --world checks only the world's simulated internet\n");
        } else {
          const results = await runDoctor({
            region: opts.region,
            configFile: opts.config,
            signingKeySecretId: opts.signingKeySecret,
            certificatePem: opts.certificate ? readFileSync(opts.certificate, 'utf8') : undefined,
          });
          process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : formatDoctor(results));
          failed = results.some((r: { status: string }) => r.status === 'failed');
        }
        if (opts.cidr.length) {
          if (!opts.json) process.stdout.write('\nevidence from the internet:\n');
          failed = (await doctorInternet({ cidr: opts.cidr, asn: opts.asn, signingKey: opts.signingKey, world: opts.world, json: opts.json })) !== 0 || failed;
        }
        exit(failed ? 1 : 0);
      },
    );
}
