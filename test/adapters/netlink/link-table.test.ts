import { describe, expect, it } from 'vitest';
import { LinkTable } from '../../../src/adapters/netlink/link-table';
import { parseMonitorLine, type MonitorEvent } from '../../../src/adapters/netlink/monitor-parse';
import { parseIpJson } from '../../../src/adapters/ip';

const DUMP = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  { ifindex: 3, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], address: 'fe:e1:12:66:54:e4', addr_info: [{ family: 'inet', local: '198.18.0.11', prefixlen: 24 }, { family: 'inet6', local: 'fd00::11', prefixlen: 64, preferred_life_time: 0 }] },
]);

const ev = (line: string): MonitorEvent => {
  const e = parseMonitorLine(line);
  if (!e) throw new Error(`unparsed: ${line}`);
  return e;
};

describe('LinkTable', () => {
  it('after a dump reads exactly as parseIpJson of the same dump', () => {
    const t = new LinkTable();
    t.load(DUMP);
    expect(t.read()).toEqual(parseIpJson(DUMP));
  });

  it('follows address adds and deletes, link down/up and deletion; keeps the same array while nothing changes', () => {
    const t = new LinkTable();
    t.load(DUMP);
    const before = t.read();
    expect(t.apply(ev('3: eth0    inet 198.18.0.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever'))).toBe(true);
    expect(t.read()[1]!.addresses.map((a) => a.address)).toEqual(['198.18.0.11', 'fd00::11', '198.18.0.100']);
    // the same add again (a tentative flag cleared, a resync's replay): no change
    const v = t.version;
    t.apply(ev('3: eth0    inet 198.18.0.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever'));
    expect(t.version).toBe(v);
    t.apply(ev('Deleted 3: eth0    inet 198.18.0.11/24 scope global eth0\\       valid_lft forever preferred_lft forever'));
    expect(t.read()[1]!.addresses.map((a) => a.address)).toEqual(['fd00::11', '198.18.0.100']);
    t.apply(ev('3: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \\    link/ether fe:e1:12:66:54:e4 brd ff:ff:ff:ff:ff:ff'));
    expect(t.read()[1]!.up).toBe(false);
    t.apply(ev('3: eth0@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default \\    link/ether fe:e1:12:66:54:e4 brd ff:ff:ff:ff:ff:ff'));
    expect(t.read()[1]!.up).toBe(false);
    t.apply(ev('3: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether fe:e1:12:66:54:e4 brd ff:ff:ff:ff:ff:ff'));
    expect(t.read()[1]!.up).toBe(true);
    t.apply(ev('3: eth0    inet6 fd00::11/64 scope global \\       valid_lft forever preferred_lft forever'));
    expect(t.read()[1]!.addresses.find((a) => a.address === 'fd00::11')).toEqual({ address: 'fd00::11', prefix: 64, family: 6 });
    const same = t.read();
    expect(t.read()).toBe(same);
    t.apply(ev('Deleted 3: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether fe:e1:12:66:54:e4 brd ff:ff:ff:ff:ff:ff'));
    expect(t.read().map((l) => l.ifname)).toEqual(['lo']);
    expect(before.map((l) => l.ifname)).toEqual(['lo', 'eth0']); // what a reader got earlier is not changed under it
  });

  it('an address on an unknown link cannot be placed (false: resync); its deletion can (gone with the link)', () => {
    const t = new LinkTable();
    t.load(DUMP);
    expect(t.apply(ev('9: new0    inet 198.18.9.1/24 scope global new0\\       valid_lft forever preferred_lft forever'))).toBe(false);
    expect(t.apply(ev('Deleted 9: new0    inet 198.18.9.1/24 scope global new0\\       valid_lft forever preferred_lft forever'))).toBe(true);
  });

  it('a new link, then its address; a rename keeps the addresses', () => {
    const t = new LinkTable();
    t.load(DUMP);
    t.apply(ev('9: new0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether aa:bb:cc:dd:ee:ff brd ff:ff:ff:ff:ff:ff'));
    expect(t.apply(ev('9: new0    inet 198.18.9.1/24 scope global new0\\       valid_lft forever preferred_lft forever'))).toBe(true);
    t.apply(ev('9: renamed: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether aa:bb:cc:dd:ee:ff brd ff:ff:ff:ff:ff:ff'));
    expect(t.read()[2]).toEqual({ ifname: 'renamed', up: true, mac: 'aa:bb:cc:dd:ee:ff', addresses: [{ address: '198.18.9.1', prefix: 24, family: 4 }] });
  });
});
