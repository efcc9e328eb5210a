/**
 * A build reused across processes while nothing it was built from has changed — the task bundles (the
 * synth and the tests each need all of them) and the test synth's templates (every infra test file reads
 * them). A record in the temp directory names the build's settings, every file it read and their digest,
 * and where its output is; a later process reuses the output only if all of these still match.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
