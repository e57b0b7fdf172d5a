/**
 * IPv6 VIPs in a lab built with --ipv6 --masters 2, mode watch: no hook at
 * all, `vipctl watch` on every node; mymaster's VIP fd00::100/64 moves, m2's
 * fd00::101/64 (its master on n2) must not. One lab for the whole file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AddrMonitor } from '../../src/lab/addr-monitor';
import { waitFor, type Lab } from '../../src/lab/lab';
import { initialNode } from '../../src/lab/masters';
import { describeLab, upLab } from './support';
import { killMasterAndFollow } from './ipv6-support';

describeLab('IPv6 VIP with the watcher (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch', ipv6: true, masters: 2 });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('SIGKILL of the master: the watcher moves the IPv6 VIP to the new master only; the client\'s neighbour entry follows; the other master\'s VIP stays', async () => {
    const m2 = lab.master(1);
    expect(m2.vipCidr).toBe('fd00::101/64');
    const m2Holder = initialNode(m2, lab.topo.nodes);
    await waitFor('m2\'s VIP on its master', async () => (await lab.vipHolders(1)).map((n) => n.name).join() === m2Holder.name, 20_000, 100);
    const mon = await AddrMonitor.start(lab);
    try {
      const { next } = await killMasterAndFollow(lab, 'watch');
      const status = await lab.vipctl(next, ['status', '--json']);
      const masters = JSON.parse(status.stdout).masters as Array<Record<string, unknown>>;
      expect(masters.find((m) => m.name === 'mymaster')).toMatchObject({ vip: 'fd00::100/64', boundHere: true, verdict: 'ok' });
      expect(masters.find((m) => m.name === 'm2')).toMatchObject({ vip: 'fd00::101/64', boundHere: next === m2Holder, verdict: 'ok' });
      expect(mon.of(lab.topo.vip).map((e) => `${e.op} ${e.host}`)).toContain(`add ${next.name}`); // the monitor sees IPv6 VIPs move...
      expect(mon.of(m2.vip)).toEqual([]); // ...and m2's was never deleted, never added anywhere
      expect((await lab.vipHolders(1)).map((n) => n.name)).toEqual([m2Holder.name]);
    } finally {
      mon.stop();
    }
  });
});
