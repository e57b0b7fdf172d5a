/** `vipctl reconcile` against real Sentinels (root): ask them, fix this node; no majority, no change. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, parseLog, upLab } from './support';

function addVip(lab: Lab, n: LabHost): Promise<unknown> {
  return run(['ip', '-n', n.ns, 'addr', 'add', lab.topo.vipCidr, 'dev', n.ifname]);
}

describeLab('reconcile in the lab (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('removes a stale copy of the VIP from a host that is not the master; --dry-run only prints the plan', async () => {
    const [n1, n2] = [lab.host('n1'), lab.host('n2')];
    await addVip(lab, n2); // "the VIP left bound on the old host"
    expect(await lab.vipHolders()).toEqual([n1, n2]);

    const dry = await lab.vipctl(n2, ['reconcile', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const plan = parseLog(dry.stderr).find((l) => l.event === 'plan');
    expect(plan).toMatchObject({ dryRun: true, is: 'bound on eth0', mustBe: 'unbound' });
    expect(plan!.plan).toEqual([['stop-announce'], ['ip', 'addr', 'del', '198.18.0.100/24', 'dev', 'eth0']]);
    expect(dry.stdout).toMatch(/^mymaster 198\.18\.0\.100\/24: would unbind \(is bound on eth0, must be unbound\): master 198\.18\.0\.11:6379 is another host \(3\/3 sentinels agree\)/);
    expect(await lab.vipHolders()).toEqual([n1, n2]);

    const real = await lab.vipctl(n2, ['reconcile']);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(await lab.vipHolders()).toEqual([n1]);
    const unbind = parseLog(real.stderr).find((l) => l.event === 'unbind');
    expect(unbind).toMatchObject({ cmd: 'reconcile', master: 'mymaster' });
    expect(String(unbind!.reason)).toMatch(/master 198\.18\.0\.11:6379 is another host \(3\/3 sentinels agree\)/);
    expect(real.stdout).toMatch(/^mymaster 198\.18\.0\.100\/24: unbind \(is bound on eth0, must be unbound\): /);
    const again = await lab.vipctl(n2, ['reconcile', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ dryRun: false, masters: [{ master: 'mymaster', vip: '198.18.0.100/24', action: 'noop', is: 'unbound', mustBe: 'unbound', reason: expect.stringMatching(/is another host \(3\/3 sentinels agree\)/) }] });
  });

  it('removes a copy bound by hand with another prefix length (VIP/32 of a /24 VIP)', async () => {
    const [n1, n2] = [lab.host('n1'), lab.host('n2')];
    const vip32 = `${lab.topo.vip}/32`;
    await run(['ip', '-n', n2.ns, 'addr', 'add', vip32, 'dev', n2.ifname]);
    expect(await lab.vipHolders()).toEqual([n1, n2]);
    const r = await lab.vipctl(n2, ['reconcile']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parseLog(r.stderr).find((l) => l.event === 'unbind')).toMatchObject({ argv: ['ip', 'addr', 'del', vip32, 'dev', n2.ifname] });
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('puts the VIP back on the master when it is missing there (the bind after a reboot)', async () => {
    const n1 = lab.host('n1');
    await run(['ip', '-n', n1.ns, 'addr', 'del', lab.topo.vipCidr, 'dev', n1.ifname]);
    expect(await lab.vipHolders()).toEqual([]);
    const r = await lab.vipctl(n1, ['reconcile']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await lab.vipHolders()).toEqual([n1]);
    expect(parseLog(r.stderr).map((l) => l.event)).toEqual(['bind', 'announce']);
  });

  it('without a majority of Sentinels it changes nothing and exits 1', async () => {
    const [n1, n2, n3] = [lab.host('n1'), lab.host('n2'), lab.host('n3')];
    await addVip(lab, n3);
    const stopped = [n2, n3].map((n) => lab.pidOf(n, 'sentinel')!);
    stopped.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    try {
      const r = await lab.vipctl(n3, ['reconcile']);
      expect(r.exitCode, r.stderr).toBe(1);
      const noop = parseLog(r.stderr).find((l) => l.event === 'noop');
      expect(noop).toMatchObject({ mustBe: 'unknown' });
      expect(String(noop!.reason)).toMatch(/no majority of sentinels agrees on a master \(1\/3 sentinels agree/);
      expect(await lab.vipHolders()).toEqual([n1, n3]); // left as it was, stray copy included
    } finally {
      stopped.forEach((pid) => process.kill(pid, 'SIGCONT'));
    }
    expect((await lab.vipctl(n3, ['reconcile'])).exitCode).toBe(0);
    expect(await lab.vipHolders()).toEqual([n1]);
  });
});
