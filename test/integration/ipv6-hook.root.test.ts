/**
 * IPv6 VIP (fd00::100/64) in a lab built with --ipv6, mode hook: Redis and
 * Sentinel talk over IPv6, Sentinel runs vipctl as client-reconfig-script with
 * IPv6 <from-ip>/<to-ip>. One lab for the whole file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import { configVariant, describeLab, longAnnouncer, parseLog, upLab } from './support';
import { killMasterAndFollow, ndpAnnouncerPids } from './ipv6-support';

describeLab('IPv6 VIP with the hook (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook', ipv6: true });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('SIGKILL of the master: the hook moves the IPv6 VIP to the new master only; the client\'s neighbour entry follows', async () => {
    expect(lab.topo.nodes.map((n) => n.ip)).toEqual(['fd00::11', 'fd00::12', 'fd00::13']);
    const { old } = await killMasterAndFollow(lab, 'hook');
    await lab.heal(old);
  });

  it('bind on a replica while the master holds the IPv6 VIP: refused by the ndisc6 probe, nothing changed; --force binds', async () => {
    const master = await waitFor('a master', () => lab.sentinelMaster(), 10_000);
    const replica = lab.topo.nodes.find((n) => n !== master)!;
    const mac = await lab.macOf(master);
    const r = await lab.vipctl(replica, ['bind', 'mymaster']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain(`vipctl: not bound: another host already answers for fd00::100 (MAC ${mac})`);
    expect(await lab.vipHolders()).toEqual([master]);
    expect(await ndpAnnouncerPids(replica)).toEqual([]);

    // the forced bind and its unbind with an announcer that outlasts the test
    const longAnnounce = { VIPCTL_CONFIG: configVariant(lab, 'long-announce', longAnnouncer) };
    const forced = await lab.vipctl(replica, ['bind', 'mymaster', '--force'], longAnnounce);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^bound fd00::100\/64 on eth0; announcing \(unsolicited NA pid \d+\); forced although [0-9a-f:]+ answers for it$/m);
    expect(forced.stdout).toContain(mac);
    expect(parseLog(forced.stderr).find((l) => l.event === 'bind')).toMatchObject({ cmd: 'bind', force: true, otherHolderMac: mac });
    expect((await lab.vipHolders()).sort((a, b) => a.name.localeCompare(b.name))).toEqual([master, replica].sort((a, b) => a.name.localeCompare(b.name)));
    const announcers = await ndpAnnouncerPids(replica);
    expect(announcers).toHaveLength(1);

    // unbind stops the repeater before the address goes
    const un = await lab.vipctl(replica, ['unbind', 'mymaster'], longAnnounce);
    expect(un.exitCode, un.stderr).toBe(0);
    expect(un.stdout).toMatch(new RegExp(`^removed fd00::100/64 from eth0; stopped announcer pid ${announcers[0]}$`, 'm'));
    await waitFor('the IPv6 announcer on the replica to exit', async () => (await ndpAnnouncerPids(replica)).length === 0, 5000);
    expect(await lab.vipHolders()).toEqual([master]);
    // again: nothing to remove ("address not found" is success)
    const again = await lab.vipctl(replica, ['unbind', 'mymaster']);
    expect(again.exitCode, again.stderr).toBe(0);
  });
  it('a VIP bound without preferred_lft 0 (by hand, or by an older vipctl): reconcile deprecates it in place, and the host stops using it as a source', async () => {
    const master = await waitFor('a master', () => lab.sentinelMaster(), 10_000);
    expect(await lab.vipHolders()).toEqual([master]);
    const vipCidr = `${lab.topo.vip}/64`;
    const routeSrc = async () => / src (\S+) /.exec((await lab.exec(master, ['ip', '-6', 'route', 'get', 'fd00::1ff'])).stdout)?.[1];
    // what an operator's `ip -6 addr add` leaves: a preferred address, which the kernel takes as a source
    const undo = await lab.exec(master, ['ip', '-6', 'addr', 'change', vipCidr, 'dev', 'eth0', 'nodad', 'preferred_lft', 'forever']);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(await routeSrc()).toBe(lab.topo.vip);

    const r = await lab.vipctl(master, ['reconcile']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = parseLog(r.stderr).filter((l) => ['bind', 'unbind', 'deprecate', 'announce'].includes(String(l.event)));
    expect(lines.map((l) => l.event)).toEqual(['deprecate']); // changed in place: never removed, so nobody lost it
    expect(lines[0]).toMatchObject({ cmd: 'reconcile', argv: ['ip', '-6', 'addr', 'change', vipCidr, 'dev', 'eth0', 'nodad', 'preferred_lft', '0'], is: 'bound on eth0 (not deprecated: a possible source address)' });
    expect(String(lines[0]!.reason)).toContain('deprecating it (preferred_lft 0)');
    expect(await routeSrc()).toBe(master.ip);
    expect(await lab.vipHolders()).toEqual([master]);

    // the next pass finds nothing to do
    const again = await lab.vipctl(master, ['reconcile']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(parseLog(again.stderr).filter((l) => ['bind', 'unbind', 'deprecate'].includes(String(l.event)))).toEqual([]);
  });
});
