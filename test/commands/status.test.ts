/** `vipctl status` with fakes for every adapter (no root, no network): the report, and what moves the VIP here. */
import { describe, expect, it } from 'vitest';
import { statusReport, type StatusDeps } from '../../src/commands/status';
import { validateConfig } from '../../src/core/config';
import { describeMover, formatStatus } from '../../src/core/status-report';

const config = validateConfig({
  sentinel: { addresses: ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'] },
  masters: { mymaster: { vip: '10.0.0.100/24' } },
  runDir: '/nonexistent/vipctl-status-test',
});
const BIN = '/usr/bin/vipctl';

function deps(over: Partial<StatusDeps> & { script?: string | null; bound?: boolean } = {}): StatusDeps {
  const sentinels = config.sentinel.addresses.map((a) => `${a.host}:${a.port}`);
  return {
    readLinks: async () => [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:12', addresses: [{ address: '10.0.0.12', prefix: 24, family: 4 }, ...(over.bound ? [{ address: '10.0.0.100', prefix: 24, family: 4 as const }] : [])] }],
    askSentinelsForAll: async () => new Map([['mymaster', { master: '10.0.0.11:6379', agreeing: 3, total: 3, answers: sentinels.map((s) => ({ sentinel: s, master: '10.0.0.11:6379' })) }]]),
    resolveMasterNames: async () => new Map(),
    probeDuplicate: async () => ({ kind: 'taken', macs: ['02:00:00:00:00:11'] }),
    role: async () => ({ ok: true, value: 'slave' }),
    readHold: () => null,
    sentinelMaster: async () => ({ ok: true, value: (over.script ? { 'client-reconfig-script': over.script } : {}) as Record<string, string> }),
    watcher: () => ({ running: null, recorded: null, hidden: null }),
    ours: [BIN],
    realpath: (p) => p,
    now: () => 1_000_000,
    ...over,
  };
}

describe('vipctl status', () => {
  it('a replica host: verdict ok, Sentinel agreement, local Redis, the other holder', async () => {
    const [m] = (await statusReport(config, deps({ script: BIN }))).masters;
    expect(m).toMatchObject({ name: 'mymaster', boundHere: false, sentinelMaster: '10.0.0.11:6379', sentinelsAgreeing: 3, localIsMaster: false, verdict: 'ok', otherHolderMac: '02:00:00:00:00:11' });
  });

  it('a copy of the VIP on a replica: should-unbind', async () => {
    const [m] = (await statusReport(config, deps({ bound: true, probeDuplicate: async () => ({ kind: 'free' }) }))).masters;
    expect(m!.verdict).toBe('should-unbind');
  });

  it('says per master what moves the VIP here: the watcher with its pid, the hook of the local Sentinel, both, neither', async () => {
    const watcher = (pid: number | null) => () => ({ running: pid, recorded: pid, hidden: null });
    const mover = async (d: StatusDeps) => (await statusReport(config, d)).masters[0]!.mover;
    expect(await mover(deps({ watcher: watcher(4321) }))).toEqual({ watcherPid: 4321, hook: 'no', text: 'the watcher (pid 4321)' });
    expect(await mover(deps({ script: BIN }))).toMatchObject({ watcherPid: null, hook: 'yes', text: 'the hook (client-reconfig-script of the local Sentinel 10.0.0.12:26379); no watcher runs here' });
    expect((await mover(deps({ script: BIN, watcher: watcher(7) })))!.text).toBe('the watcher (pid 7) and the hook (client-reconfig-script of the local Sentinel 10.0.0.12:26379)');
    expect((await mover(deps({ script: '/usr/local/bin/other' })))!.text).toBe('nothing: no watcher runs here and the local Sentinel 10.0.0.12:26379 runs no vipctl hook (its client-reconfig-script is /usr/local/bin/other)');
    expect((await mover(deps({ sentinelMaster: async () => ({ ok: false, error: 'ECONNREFUSED' }) })))!).toMatchObject({ hook: 'unknown', text: 'no watcher runs here; hook unknown (local Sentinel 10.0.0.12:26379: ECONNREFUSED)' });
    const report = await statusReport(config, deps({ watcher: watcher(4321) }));
    expect(formatStatus(report)).toContain('  moved here by: the watcher (pid 4321)');
  });

  it('a watcher this user cannot see is said, with why', () => {
    const m = describeMover({ watcher: { running: null, recorded: 55, hidden: '/proc is mounted hidepid=invisible' }, localSentinel: { sentinel: 'x:26379', script: null, ours: false } });
    expect(m.text).toBe('watch.pid names pid 55, which this user cannot see (/proc is mounted hidepid=invisible)');
  });
});
