import { describe, expect, it } from 'vitest';
import { ConflictWatch } from '../../src/watch/conflict';
import type { DupProbe } from '../../src/core/dup-probe';
import type { Holding } from '../../src/core/watch/conflict';
import type { MasterWatch } from '../../src/watch/master';

const VIP = '10.0.0.100';
const links = [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:11', addresses: [{ address: '10.0.0.11', prefix: 24, family: 4 as const }, { address: VIP, prefix: 24, family: 4 as const }] }];

function setup(probe: (ifname: string, vip: string) => Promise<DupProbe>) {
  const lines: Array<Record<string, unknown>> = [];
  const gauge: boolean[] = [];
  const fake = { name: 'm', master: { name: 'm', vip: { address: VIP } }, reannounced: 0, hold: { since: 0, epoch: 1 } as Holding | null, holding() { return this.hold; }, reannounce() { this.reannounced++; } };
  const log = (fields: Record<string, unknown>) => lines.push(fields);
  const c = new ConflictWatch(fake as unknown as MasterWatch, {
    logger: { info: log, warn: log, error: log, debug: log } as never,
    metrics: { conflict: (_m: string, on: boolean) => gauge.push(on) } as never,
    probeMs: 1000,
    readLinks: async () => links,
    sentinelMaster: () => '10.0.0.11:6379',
    probe,
  });
  return { c, fake, lines, gauge };
}

describe('ConflictWatch: the probe loop of one master', () => {
  it('logs a conflict with the MAC and the master, sets the gauge, asks for a re-announce each probe; clears when the answer stops', async () => {
    let answer: DupProbe = { kind: 'taken', macs: ['02:00:00:00:00:50'] };
    const probed: string[] = [];
    const s = setup(async (ifname, vip) => (probed.push(`${ifname} ${vip}`), answer));
    await s.c.round();
    await s.c.round();
    expect(probed).toEqual([`eth0 ${VIP}`, `eth0 ${VIP}`]);
    expect(s.lines.filter((l) => l.event === 'conflict')).toEqual([expect.objectContaining({ master: 'm', macs: ['02:00:00:00:00:50'], sentinelMaster: '10.0.0.11:6379', interface: 'eth0' })]);
    expect(s.fake.reannounced).toBe(2);
    expect(s.gauge).toEqual([true, true]);
    answer = { kind: 'free' };
    await s.c.round();
    expect(s.lines.map((l) => l.event).filter((e) => e !== 'conflict-probe')).toEqual(['conflict', 'conflict-cleared']);
    expect(s.lines.filter((l) => l.event === 'conflict-probe').map((l) => [l.result, l.counts])).toEqual([['taken', true], ['taken', true], ['free', true]]);
    expect(s.gauge.at(-1)).toBe(false);
    expect(s.fake.reannounced).toBe(2);
  });

  it('never two probes at once', async () => {
    let release = (): void => undefined;
    let n = 0;
    const s = setup(() => (n++, new Promise<DupProbe>((r) => (release = () => r({ kind: 'free' })))));
    const first = s.c.round();
    await new Promise((r) => setTimeout(r, 0));
    await s.c.round(); // returns at once: one runs
    expect(n).toBe(1);
    release();
    await first;
    expect(n).toBe(1);
  });

  it('an answer while the holding changed (a release, a failover began) is no conflict', async () => {
    const s = setup(async () => {
      s.fake.hold = { since: 5, epoch: 2 }; // rebound meanwhile
      return { kind: 'taken', macs: ['02:00:00:00:00:50'] };
    });
    await s.c.round();
    expect(s.lines.filter((l) => l.event === 'conflict')).toEqual([]);
    expect(s.fake.reannounced).toBe(0);
  });

  it('does not probe when this host does not hold the VIP, or held it for less than a probe period', async () => {
    let n = 0;
    const s = setup(async () => (n++, { kind: 'taken', macs: ['02:00:00:00:00:50'] }));
    s.fake.hold = null;
    await s.c.round();
    s.fake.hold = { since: Date.now(), epoch: 3 };
    await s.c.round();
    expect(n).toBe(0);
  });
});
