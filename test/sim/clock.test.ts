import { VirtualClock } from '../../sim/clock';

describe('VirtualClock', () => {
  const start = Date.UTC(2026, 11, 1);

  it('runs a week of timers in virtual time and gives real time back afterwards', async () => {
    const clock = new VirtualClock(start);
    const realBefore = Date.now();
    const ended = await clock.drive(async () => {
      await new Promise((r) => setTimeout(r, 7 * 86_400_000));
      return Date.now();
    });
    expect(ended - start).toBe(7 * 86_400_000);
    expect(Math.abs(Date.now() - realBefore)).toBeLessThan(5_000);
    expect(clock.now()).toBe(start + 7 * 86_400_000);
  });

  it('seeds Math.random while it drives (jitter repeats from run to run), and gives the real one back', async () => {
    const real = Math.random;
    const draws = (clock: VirtualClock) => clock.drive(async () => [Math.random(), Math.random(), Math.random()]);
    const a = await draws(new VirtualClock(start));
    expect(await draws(new VirtualClock(start))).toEqual(a);
    expect(await draws(new VirtualClock(start, 7))).not.toEqual(a);
    expect(new Set(a).size).toBe(3);
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
    expect(Math.random).toBe(real);
  });

  it('serves concurrent drives from one loop, in time order', async () => {
    const clock = new VirtualClock(start);
    const order: string[] = [];
    const a = clock.drive(async () => {
      await clock.sleep(3000);
      order.push('a');
    });
    const b = clock.drive(async () => {
      await clock.sleep(1000);
      order.push('b');
      await clock.sleep(5000);
      order.push('b2');
    });
    await Promise.all([a, b]);
    expect(order).toEqual(['b', 'a', 'b2']);
    expect(clock.now() - start).toBe(6000);
  });

  it('stands still while held (a human deciding in real time)', async () => {
    const clock = new VirtualClock(start);
    await clock.drive(async () => {
      const release = clock.hold();
      const timer = clock.sleep(1000).then(() => 'fired');
      await VirtualClock.realDelay(30);
      expect(clock.now()).toBe(start);
      release();
      expect(await timer).toBe('fired');
    });
    expect(clock.now()).toBe(start + 1000);
  });

  it('reports a stall instead of hanging', async () => {
    const clock = new VirtualClock(start);
    await expect(clock.drive(() => new Promise(() => undefined))).rejects.toThrow(/stalled/);
  });
});
