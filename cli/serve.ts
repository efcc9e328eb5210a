/**
 * `byoip serve [--world FILE] [--port N] [--speed X] [--world-out FILE]`: the simulated AWS as an HTTP
 * endpoint on 127.0.0.1 (sim/http/endpoint.ts), for rehearsing existing runbooks with the AWS CLI, an SDK
 * or one's own scripts (`--endpoint-url`). Runs until interrupted; --world-out writes the world as it is then.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { createSimulator } from '../sim';
import { startEndpoint } from '../sim/http/endpoint';
import { writeWorldFile } from '../sim/world-out';

const DEFAULT_WORLD = resolve(__dirname, '..', 'examples', 'world.json');

export function registerServeCommand(program: Command, done: (code: number) => void): void {
  program
    .command('serve')
    .description('serve the simulated AWS on 127.0.0.1 for the AWS CLI, SDKs and scripts (--endpoint-url); the access key id names the account')
    .option('--world <file>', 'the world to serve', DEFAULT_WORLD)
    .option('--port <n>', 'port (default 4510; 0 picks a free one)', '4510')
    .option('--speed <x>', 'virtual seconds per wall second (60: an hour of provisioning in a minute)', '1')
    .option('--world-out <file>', 'on exit (Ctrl-C), write the world as it is then, to continue from it')
    .option('--quiet', 'do not log each request')
    .action(async (opts: { world: string; port: string; speed: string; worldOut?: string; quiet?: boolean }) => {
      const port = Number(opts.port);
      const speed = Number(opts.speed);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${opts.port}: not a port number`);
      if (!(speed > 0)) throw new Error(`--speed ${opts.speed}: must be a positive number (1 = real time)`);
      const worldFile = resolve(opts.world);
      const sim = createSimulator(JSON.parse(readFileSync(worldFile, 'utf8')), dirname(worldFile));
      const ep = await startEndpoint(sim, {
        port,
        speed,
        onRequest: opts.quiet ? undefined : (line) => process.stderr.write(`${new Date(sim.clock.now()).toISOString()}  ${line}\n`),
      });
      const account = sim.world.defaultAccount;
      process.stdout.write(
        [
          `Simulated AWS at ${ep.url} (world ${worldFile}; virtual time ${speed}× wall time, now ${new Date(sim.clock.now()).toISOString()})`,
          `Credentials: the access key id is the account (e.g. ${account}, the default; ${sim.world.accounts.map((a) => a.id).join(', ')}); any secret; signatures are not checked.`,
          'Try:',
          `  AWS_ACCESS_KEY_ID=${account} AWS_SECRET_ACCESS_KEY=sim AWS_DEFAULT_REGION=${sim.world.defaultRegion} \\`,
          `    aws --endpoint-url ${ep.url} ec2 describe-byoip-cidrs --max-results 10`,
          'Global Accelerator answers in us-west-2 only, CloudFront and Route 53 in us-east-1, as in AWS. Ctrl-C stops.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((stop) => {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await ep.close();
      if (opts.worldOut) for (const n of writeWorldFile(sim, opts.worldOut)) process.stderr.write(`note: ${n}\n`);
      done(0);
    });
}
