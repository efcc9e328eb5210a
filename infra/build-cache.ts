/**
 * A build reused across processes while nothing it was built from has changed — the task bundles (the
 * synth and the tests each need all of them) and the test synth's templates (every infra test file reads
 * them). A record in the temp directory names the build's settings, every file it read and their digest,
 * and where its output is; a later process reuses the output only if all of these still match. While one
 * process builds, another that needs the same build waits for it instead of building it again beside it
 * (the synth and a test file both bundling on a fresh clone, two jest workers both synthesizing).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface BuildRecord {
  settings: string;
  inputs: string[];
  digest: string;
  output: string;
}

const recordFile = (name: string) => join(tmpdir(), `byoip-${name}.json`);

/** The files (paths relative to the repository) by content. */
function digestOf(inputs: string[]): string {
  const h = createHash('sha256');
  for (const f of inputs)
    h.update(f)
      .update('\0')
      .update(readFileSync(join(ROOT, f)));
  return h.digest('hex');
}

/** The output of the last `name` build, if it was made with these settings from exactly these file contents. */
export function reusableBuild(name: string, settings: string): string | undefined {
  try {
    const last = JSON.parse(readFileSync(recordFile(name), 'utf8')) as BuildRecord;
    if (last.settings !== settings || !existsSync(last.output)) return undefined;
    return digestOf(last.inputs) === last.digest ? last.output : undefined;
  } catch {
    return undefined; // no record, a removed input, or a record being replaced: build
  }
}

/**
 * Records a finished build. Outputs are never rewritten in place: a record names a finished output and is
 * replaced whole (rename is atomic), so another process reads the old record or the new one, never half.
 */
export function recordBuild(name: string, settings: string, inputs: string[], output: string): void {
  const record: BuildRecord = { settings, inputs, digest: digestOf(inputs), output };
  const next = `${recordFile(name)}.${process.pid}`;
  writeFileSync(next, JSON.stringify(record));
  renameSync(next, recordFile(name));
}

/** How long a process waits for another's build before building it itself. */
const WAIT_FOR_OTHER_MS = 180_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // the lock was just created: its pid not yet written
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The output of the `name` build with these settings: reused if recorded and unchanged, else built once
 * — by this process, or, if another is building it now, by that one (this one waits for its record).
 */
export function sharedBuild(name: string, settings: string, build: () => { inputs: string[]; output: string }): string {
  const lock = `${recordFile(name)}.building`;
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  for (;;) {
    const ready = reusableBuild(name, settings);
    if (ready) return ready;
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      let holder: number;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue; // released meanwhile: look again
      }
      if (!alive(holder) || Date.now() > deadline) rmSync(lock, { force: true });
      else sleep(200);
    }
  }
  try {
    const again = reusableBuild(name, settings);
    if (again) return again;
    const { inputs, output } = build();
    recordBuild(name, settings, inputs, output);
    return output;
  } finally {
    rmSync(lock, { force: true });
  }
}
