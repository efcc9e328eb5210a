/** Runs `byoip` as an operator does, as a child process, and waits for what it prints. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export function byoipSync(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'byoip.cjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
}

export interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  /** Resolves with the first match of `re` in stderr (fails after `timeoutMs` of real time). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number>;
}

export function byoipSpawn(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'byoip.cjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
  const running: Running = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1))),
    waitFor(re, timeoutMs = 45_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = running.stderr.match(re);
          if (!m) return false;
          clearInterval(timer);
          clearTimeout(limit);
          resolve(m);
          return true;
        };
        const timer = setInterval(check, 50);
        const limit = setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`no ${re} in stderr after ${timeoutMs} ms:\n${running.stderr}`));
        }, timeoutMs);
        void running.exited.then(() => {
          if (!check()) {
            clearInterval(timer);
            clearTimeout(limit);
            reject(new Error(`byoip exited without printing ${re}:\n${running.stderr}`));
          }
        });
        check();
      });
    },
  };
  child.stdout.on('data', (d) => {
    running.stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    running.stderr += String(d);
  });
  return running;
}
