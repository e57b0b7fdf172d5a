import { describe, expect, it } from 'vitest';
import { buildTimeline, formatComparison, formatTimeline, type LogLine, type Timeline } from '../../src/lab/timeline';
import type { ProbeEvent } from '../../src/lab/probe';

const t0 = 1_000_000;
const old = { name: 'n1', ip: '198.18.0.11' };
const fresh = { name: 'n2', ip: '198.18.0.12' };
const s = (dt: number, channel: string, from = '198.18.0.12:26379'): ProbeEvent => ({ t: t0 + dt, kind: 'sentinel', channel, from, message: 'x' });
const log = (host: string, dt: number, event: string, extra: Partial<LogLine> = {}): LogLine => ({ host, t: t0 + dt, event, cmd: 'hook', ...extra });

const probe: ProbeEvent[] = [
  { t: t0 - 500, kind: 'ready' },
  s(-200, '+sdown'), // before the disturbance: not part of this failover
  { t: t0 + 5, kind: 'write-failed', lastOkAt: t0 - 3 },
  s(1000, '+sdown', '198.18.0.13:26379'),
  s(1010, '+sdown'),
  s(1100, '+odown'),
  s(2100, '+promoted-slave'),
  s(2150, '+switch-master', '198.18.0.11:26379'),
  { t: t0 + 2400, kind: 'write-recovered', lastOkAt: t0 - 3 },
  { t: t0 + 3000, kind: 'stats', writes: 300, failures: 240 },
];
const logs: LogLine[] = [
  log('n1', -2000, 'bind', { cmd: 'reconcile' }), // the first bind, before the disturbance
  log('n2', 2300, 'bind', { note: 'already bound' }), // a no-op re-run is not "the bind"
  log('n2', 2350, 'bind'),
  log('n2', 2360, 'announce'),
  log('n1', 2420, 'unbind'),
];

describe('buildTimeline', () => {
  const t = buildTimeline({ kind: 'sigkill', t0, oldMaster: old, newMaster: fresh, probe, logs });
  const at = (key: string) => t.entries.find((e) => e.key === key)?.atMs;

  it('takes the first of each Sentinel event after the disturbance', () => {
    expect(at('+sdown')).toBe(1000);
    expect(t.entries.find((e) => e.key === '+sdown')!.source).toBe('sentinel 198.18.0.13:26379');
    expect(at('+odown')).toBe(1100);
    expect(at('+promoted-slave')).toBe(2100);
    expect(at('+failover-end')).toBeUndefined();
  });

  it('takes the VIP changes from the logs of the right hosts, ignoring no-op re-runs and earlier binds', () => {
    expect(at('vip-bound-new')).toBe(2350);
    expect(at('announce-new')).toBe(2360);
    expect(at('vip-unbound-old')).toBe(2420);
  });

  it('is sorted by time and starts with the disturbance', () => {
    expect(t.entries[0]).toMatchObject({ atMs: 0, key: 'disturbance', source: 'n1' });
    const times = t.entries.map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('measures the outage from the last good write to the first good one after', () => {
    expect(t.writeOutageMs).toBe(2403);
    expect(t.writes).toBe(300);
    expect(t.failedWrites).toBe(240);
    expect(formatTimeline(t).at(-2)).toBe('  write outage through the VIP: 2403 ms (240 failed of 540 writes)');
  });

  it('reports lost writes, the double-holder time and promotion-to-VIP from the probe and the address monitor', () => {
    const more: ProbeEvent[] = [
      ...probe,
      { t: t0 + 1350, kind: 'role-master', node: fresh.ip },
      { t: t0 + 1200, kind: 'role-master', node: '198.18.0.13' }, // another node: not the new master
      { t: t0 + 2405, kind: 'writes-lost', lost: 3 },
      { t: t0 + 2410, kind: 'writes-lost', lost: 2 },
    ];
    const addr = { initial: ['n1'], until: t0 + 3000, events: [{ host: 'n2', t: t0 + 1352.4, op: 'add' as const }, { host: 'n1', t: t0 + 1400.4, op: 'del' as const }] };
    const w = buildTimeline({ kind: 'sigkill', t0, oldMaster: old, newMaster: fresh, probe: more, logs, addr });
    expect(w.lostWrites).toBe(5);
    expect(w.doubleHolderMs).toBe(48);
    expect(w.promotionToVipMs).toBe(2);
    expect(w.entries.find((e) => e.key === 'role-master')).toMatchObject({ atMs: 1350, source: 'n2' });
    expect(w.entries.find((e) => e.key === 'addr-add-new')).toMatchObject({ atMs: 1352, source: 'n2' });
    expect(w.entries.find((e) => e.key === 'addr-del-old')).toMatchObject({ atMs: 1400, source: 'n1' });
    expect(w.entries.find((e) => e.key === 'writes-lost')).toMatchObject({ atMs: 2405, what: 'acknowledged writes lost (3)' });
    expect(formatTimeline(w).slice(-3)).toEqual([
      '  acknowledged writes lost: 5',
      '  time two hosts held the VIP: 48 ms',
      '  from the promotion (ROLE master) to the VIP on the new master: 2 ms',
    ]);
    // without a monitor, nothing is claimed about holders or the promotion-to-VIP time
    expect(t.doubleHolderMs).toBeNull();
    expect(t.promotionToVipMs).toBeNull();
    expect(t.lostWrites).toBe(0);
  });

  it('says so when no write failed', () => {
    const quiet = buildTimeline({ kind: 'sentinel', t0, oldMaster: old, newMaster: fresh, probe: probe.filter((p) => !p.kind.startsWith('write')), logs });
    expect(quiet.writeOutageMs).toBeNull();
    expect(formatTimeline(quiet).at(-2)).toBe('  no write failed through the VIP');
  });
});

describe('formatComparison', () => {
  it('puts each mode in a column, one row per measure', () => {
    const base: Timeline = { kind: 'sentinel', oldMaster: 'n1', newMaster: 'n2', entries: [], writeOutageMs: null, writes: 10, failedWrites: 0, lostWrites: 0, doubleHolderMs: 0, promotionToVipMs: 3 };
    const lines = formatComparison([{ ...base, mode: 'hook', writeOutageMs: 27, lostWrites: 238, doubleHolderMs: 120.5, promotionToVipMs: 1100 }, { ...base, mode: 'watch' }]);
    expect(lines).toEqual([
      'comparison (sentinel):',
      `  ${''.padEnd(38)}${'hook'.padStart(14)}${'watch'.padStart(14)}`,
      `  ${'write outage through the VIP'.padEnd(38)}${'27 ms'.padStart(14)}${'none'.padStart(14)}`,
      `  ${'promotion (ROLE master) to VIP on it'.padEnd(38)}${'1100 ms'.padStart(14)}${'3 ms'.padStart(14)}`,
      `  ${'time two hosts held the VIP'.padEnd(38)}${'120.5 ms'.padStart(14)}${'0 ms'.padStart(14)}`,
      `  ${'acknowledged writes lost'.padEnd(38)}${'238'.padStart(14)}${'0'.padStart(14)}`,
    ]);
  });
});
