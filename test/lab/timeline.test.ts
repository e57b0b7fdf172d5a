import { describe, expect, it } from 'vitest';
import { buildTimeline, formatTimeline, type LogLine } from '../../src/lab/timeline';
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
    expect(formatTimeline(t).at(-1)).toBe('  write outage through the VIP: 2403 ms (240 failed of 540 writes)');
  });

  it('says so when no write failed', () => {
    const quiet = buildTimeline({ kind: 'sentinel', t0, oldMaster: old, newMaster: fresh, probe: probe.filter((p) => !p.kind.startsWith('write')), logs });
    expect(quiet.writeOutageMs).toBeNull();
    expect(formatTimeline(quiet).at(-1)).toBe('  no write failed through the VIP');
  });
});
