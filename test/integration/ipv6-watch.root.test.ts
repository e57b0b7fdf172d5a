/**
 * IPv6 VIP (fd00::100/64) in a lab built with --ipv6, mode watch: no hook at
 * all, `vipctl watch` on every node. One lab for the whole file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab';
import { describeLab, upLab } from './support';
import { killMasterAndFollow } from './ipv6-support';

describeLab('IPv6 VIP with the watcher (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch', ipv6: true });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('SIGKILL of the master: the watcher moves the IPv6 VIP to the new master only; the client\'s neighbour entry follows', async () => {
    const { next } = await killMasterAndFollow(lab, 'watch');
    const status = await lab.vipctl(next, ['status', '--json']);
    expect(JSON.parse(status.stdout).masters[0]).toMatchObject({ vip: 'fd00::100/64', boundHere: true, verdict: 'ok' });
  });
});
