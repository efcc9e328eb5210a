/**
 * Jest's order (failed first, then slowest first by the last run's times, else largest file first), with
 * the two halves of the fault sweep always first: they are the longest files by far (~2.5 min each), and
 * on a fresh clone, which has no times yet, jest would start them last by size, so one worker could run
 * a half alone at the end while the other idles. Started first, one on each worker, everything else fills in after.
 */
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = /[\\/]reliability[\\/]fault-sweep-[ab]\.test\.ts$/;

class SweepFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((t) => FIRST.test(t.path)), ...sorted.filter((t) => !FIRST.test(t.path))];
  }
}

module.exports = SweepFirst;
