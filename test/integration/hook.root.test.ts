/**
 * The hook against a real Sentinel cluster in network namespaces (root).
 * Sentinel itself runs bin/vipctl as client-reconfig-script on every node.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { waitFor, type Lab } from '../../src/lab/lab';
import { arpingPids, configVariant, describeLab, longAnnouncer, parseLog, settledOn, upLab, parseLogFile } from './support';

async function addrSnapshot(lab: Lab): Promise<string[]> {
  return Promise.all(lab.topo.nodes.map(async (n) => (await run(['ip', '-n', n.ns, '-br', 'addr'])).stdout));
}

describeLab('hook in the lab (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('starts with the VIP on the master only, bound by reconcile on every node (no manual first bind)', async () => {
    const n1 = lab.host('n1');
    expect(await lab.sentinelMaster()).toBe(n1);
    expect(await lab.vipHolders()).toEqual([n1]);
    const r = await lab.redisCli(lab.topo.vip, 6379, ['SET', 'k', 'v']);
    expect(r.stdout).toBe('OK');
  });

  it('bad arguments exit 2, say why on one line, and change nothing', async () => {
    const n1 = lab.host('n1');
    const marker = `/tmp/vipctl-injection-${process.pid}`;
    rmSync(marker, { force: true });
    const before = await addrSnapshot(lab);
    const cases: Array<[string[], RegExp]> = [
      [['hook', 'mymaster', 'leader', 'start', '198.18.0.11', '6379', '198.18.0.11'], /expected 7 arguments, got 6/],
      [['mymaster', 'leader', 'start', '198.18.0.12', '6379', `198.18.0.11;touch ${marker}`, '6379'], /to-ip: .* is not an IP address/],
      [['mymaster', 'leader', 'start', '198.18.0.12', '6379', `$(touch ${marker})`, '6379'], /to-ip: .* is not an IP address/],
      [['mymaster', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '99999'], /to-port: "99999" is not a port/],
      [['othermaster', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379'], /unknown master "othermaster"/],
      [['mymaster', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.100', '6379'], /is the VIP of mymaster itself/],
    ];
    for (const [args, why] of cases) {
      // on the master's own host, so a wrongly accepted "to-ip" would have something to do
      const r = await lab.vipctl(n1, args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines, r.stderr).toHaveLength(1);
      const line = JSON.parse(lines[0]!) as { msg: string; exitCode: number; event: string };
      expect(line.msg).toMatch(why);
      expect(line).toMatchObject({ event: 'error', exitCode: 2 });
    }
    expect(existsSync(marker)).toBe(false);
    expect(await addrSnapshot(lab)).toEqual(before);
    // Sentinel throws stderr away: each refusal is in the log file too, as one line
    const errors = parseLogFile(readFileSync(lab.logFile(n1), 'utf8')).filter((l) => l.event === 'error');
    expect(errors).toHaveLength(cases.length);
    expect(errors.every((l) => l.exitCode === 2 && typeof l.reason === 'string')).toBe(true);
    expect(errors.find((l) => l.code === 'UNKNOWN_MASTER')).toMatchObject({ master: 'othermaster', key: 'master' });
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('re-running the hook and reconcile changes nothing (idempotent)', async () => {
    const master = lab.host('n1');
    const args = ['mymaster', 'observer', 'start', '198.18.0.12', '6379', master.ip, '6379'];
    for (let round = 0; round < 2; round++) {
      for (const n of lab.topo.nodes) {
        expect((await lab.vipctl(n, args)).exitCode).toBe(0);
        expect((await lab.vipctl(n, ['reconcile'])).exitCode).toBe(0);
      }
      expect(await lab.vipHolders()).toEqual([master]);
    }
    const log = parseLogFile(readFileSync(lab.logFile(master), 'utf8'));
    // the VIP was added once (by the first reconcile); the re-runs found it there
    expect(log.filter((l) => l.event === 'bind' && l.note === undefined)).toHaveLength(1);
    expect(log.filter((l) => l.cmd === 'reconcile' && l.event === 'noop').length).toBeGreaterThanOrEqual(2);
  });

  it('16 concurrent hook runs on one host leave one correct state: VIP bound once, one announcer', async () => {
    const master = lab.host('n1');
    const other = lab.host('n2');
    const args = ['mymaster', 'leader', 'start', '198.18.0.12', '6379', master.ip, '6379'];
    // The runs queue on the per-VIP lock. This test is about what they leave, not
    // how fast: under a heavy load 16 queued runs once outlasted the lab's 10 s
    // lock timeout (that run exits 1 and Sentinel would retry it), so the lock
    // may be waited for up to 25 s here (lab.vipctl's own deadline is 30 s).
    // patient with the lock; and the last run's announcer must still be there when the test looks for it
    const patient = configVariant(lab, 'vipctl-patient-lock', (y) => longAnnouncer(y.replace(/^lockTimeoutMs: \d+$/m, 'lockTimeoutMs: 25000')));
    expect(readFileSync(patient, 'utf8')).toMatch(/^lockTimeoutMs: 25000$/m);
    expect(readFileSync(patient, 'utf8')).toMatch(/^  count: 60$/m);
    const env = { VIPCTL_CONFIG: patient };
    const results = await Promise.all([
      ...Array.from({ length: 16 }, () => lab.vipctl(master, args, env)),
      ...Array.from({ length: 16 }, () => lab.vipctl(other, args, env)),
    ]);
    expect(results.map((r) => r.exitCode)).toEqual(Array(32).fill(0));
    expect(await lab.vipHolders()).toEqual([master]);
    const addrs = (await run(['ip', '-n', master.ns, '-json', 'addr', 'show', 'dev', 'eth0'])).stdout;
    expect(addrs.split('"198.18.0.100"').length - 1).toBe(1);
    // each run replaced the previous announcer under the lock: exactly one is left
    expect(await arpingPids(master)).toHaveLength(1);
    expect(await arpingPids(other)).toHaveLength(0);
  });

  it('a host outside the VIP subnet (a Sentinel-only host) runs the hook without error; a configured interface it lacks is exit 2', async () => {
    const ns = `vl-${lab.id}-x`;
    const config2 = configVariant(lab, 'vipctl-eth9', (y) => y.replace('    vip: 198.18.0.100/24', '    vip: 198.18.0.100/24\n    interface: eth9'));
    await run(['ip', 'netns', 'add', ns]);
    try {
      await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      const hook = (config: string) =>
        run(['ip', 'netns', 'exec', ns, 'env', `VIPCTL_CONFIG=${config}`, 'VIPCTL_LOG_FILE=', `VIPCTL_RUN_DIR=${join(lab.dir, 'x-run')}`, lab.hookPath, 'mymaster', 'observer', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379']);
      const r = await hook(lab.configPath);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(parseLog(r.stderr).find((l) => l.event === 'noop')).toMatchObject({ mustBe: 'unbound', is: 'unbound' });
      const bad = await hook(config2);
      expect(bad.exitCode, bad.stderr).toBe(2);
      expect(parseLog(bad.stderr)[0]).toMatchObject({ event: 'error', code: 'CONFIG', key: 'masters.mymaster.interface' });
    } finally {
      await run(['ip', 'netns', 'del', ns]);
    }
  });

  it('SIGKILL of the master: the VIP ends on the new master and nowhere else; the neighbour follows without sending', async () => {
    const old = (await lab.sentinelMaster())!;
    // the client has talked to the VIP: its ARP cache points at the old master
    expect((await lab.redisCli(lab.topo.vip, 6379, ['PING'])).stdout).toBe('PONG');
    expect(await lab.clientNeighbourMac()).toBe(await lab.macOf(old));

    const f = await lab.failover('sigkill');
    expect(f.node).toBe(old);
    const fresh = await settledOn(lab);
    expect(fresh).not.toBe(old);
    // no traffic from the client to the VIP since: only gratuitous ARP can have moved this
    await waitFor('client ARP entry to move to the new master', async () => (await lab.clientNeighbourMac()) === (await lab.macOf(fresh)), 5000);

    // each action is logged as it completes; the announce line follows the bind by the announcer's grace period
    const log = await waitFor('the new master to log bind and announce', async () => {
      const lines = parseLogFile(readFileSync(lab.logFile(fresh), 'utf8'));
      return lines.some((l) => l.cmd === 'hook' && l.event === 'announce') ? lines : null;
    }, 5000);
    const bind = log.find((l) => l.cmd === 'hook' && l.event === 'bind' && l.note === undefined);
    expect(bind).toMatchObject({ master: 'mymaster', vip: '198.18.0.100/24', interface: 'eth0', to: `${fresh.ip}:6379` });
    const unbound = await waitFor('the old master to log its unbind', async () =>
      parseLogFile(readFileSync(lab.logFile(old), 'utf8')).find((l) => l.cmd === 'hook' && l.event === 'unbind' && l.note === undefined), 5000);
    expect(unbound).toMatchObject({ master: 'mymaster', is: 'bound on eth0', mustBe: 'unbound', to: `${fresh.ip}:6379` });
    // and the data path works again through the same address
    expect((await lab.redisCli(lab.topo.vip, 6379, ['SET', 'k2', 'v2'])).stdout).toBe('OK');
  });
});

for (const kind of ['sigstop', 'link', 'sentinel'] as const) {
  describeLab(`failover by ${kind} (root)`, () => {
    let lab: Lab;
    beforeAll(async () => {
      lab = await upLab({ mode: 'hook' });
    });
    afterAll(async () => {
      await lab?.down();
    });

    it('moves the VIP to the new master; after healing the old host holds nothing', async () => {
      const old = (await lab.sentinelMaster())!;
      await lab.failover(kind);
      // the VIP is on a new master, and no host that can be reached holds it too
      const fresh = await waitFor('the VIP on a new master', async () => {
        const master = await lab.sentinelMaster();
        if (!master || master === old || (await lab.redisRole(master)) !== 'master') return null;
        const reachable = (await lab.vipHolders()).filter((h) => kind !== 'link' || h !== old);
        return reachable.length === 1 && reachable[0] === master ? master : null;
      }, 30_000, 50);
      if (kind !== 'sentinel') await lab.heal(old); // link back up / SIGCONT: the old host hears of the failover
      expect(await settledOn(lab)).toBe(fresh);
      await waitFor('old host to hold nothing', async () => (await lab.vipHolders()).every((h) => h !== old), 20_000);
      expect(await lab.vipHolders()).toEqual([fresh]);
    });
  });
}
