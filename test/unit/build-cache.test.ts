/** infra/build-cache.ts: a build is reused while its inputs are unchanged, and built once when two processes need it at once. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { reusableBuild, sharedBuild } from '../../infra/build-cache';

const ROOT = join(__dirname, '..', '..');

describe('a shared build', () => {
  const name = `test-build-cache-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'byoip-build-cache-test-'));
  const input = join(dir, 'input.txt');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), `byoip-${name}.json`), { force: true });
  });

  it('is reused while every input is unchanged, and built again when one changes', () => {
    writeFileSync(input, 'one');
    const build = jest.fn(() => ({ inputs: [relative(ROOT, input)], output: dir }));
    expect(sharedBuild(name, 's', build)).toBe(dir);
    expect(sharedBuild(name, 's', build)).toBe(dir);
    expect(build).toHaveBeenCalledTimes(1);
    writeFileSync(input, 'two');
    expect(reusableBuild(name, 's')).toBeUndefined();
    expect(reusableBuild(name, 'other settings')).toBeUndefined();
    sharedBuild(name, 's', build);
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('waits for another process building it instead of building it again beside it', async () => {
    const other = `${name}-other`;
    writeFileSync(input, 'three');
    // The other process takes the lock, builds for a second, records its output, and lets go.
    const script = `
      require('tsx/cjs/api').register();
      const { sharedBuild } = require(${JSON.stringify(join(ROOT, 'infra', 'build-cache.ts'))});
      sharedBuild(${JSON.stringify(other)}, 's', () => {
        process.stdout.write('building\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
        return { inputs: [${JSON.stringify(relative(ROOT, input))}], output: ${JSON.stringify(dir)} };
      });`;
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT });
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => String(d).includes('building') && resolve()));
    const build = jest.fn(() => ({ inputs: [], output: 'not this one' }));
    expect(sharedBuild(other, 's', build)).toBe(dir);
    expect(build).not.toHaveBeenCalled();
    await new Promise((resolve) => child.on('close', resolve));
    rmSync(join(tmpdir(), `byoip-${other}.json`), { force: true });
  });
});
