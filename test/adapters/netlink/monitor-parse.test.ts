import { describe, expect, it } from 'vitest';
import { parseMonitorLine } from '../../../src/adapters/netlink/monitor-parse';
import { batchLine } from '../../../src/adapters/netlink/ip-batch';

// Lines as iproute2 6.1's `ip -o monitor address link` printed them (Debian 12, veth in a namespace).
const L = {
  linkUp: '3: d0@d0p: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether fe:e1:12:66:54:e4 brd ff:ff:ff:ff:ff:ff',
  linkNoCarrier: '2: d0p@d0: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default \\    link/ether de:ec:3d:e6:0d:67 brd ff:ff:ff:ff:ff:ff',
  linkDeleted: 'Deleted 5: d1@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether ae:c4:c7:58:31:b3 brd ff:ff:ff:ff:ff:ff',
  lo: '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default \\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  tun: '7: tun0: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UNKNOWN group default qlen 500\\    link/none ',
  add4: '3: d0    inet 198.18.5.1/24 scope global d0\\       valid_lft forever preferred_lft forever',
  add4brd: '2: eth0    inet 198.18.0.11/24 brd 198.18.0.255 scope global eth0\\       valid_lft forever preferred_lft forever',
  add4label: '3: d0    inet 198.18.5.9/32 scope global d0:x\\       valid_lft forever preferred_lft forever',
  del4: 'Deleted 3: d0    inet 198.18.5.1/24 scope global d0\\       valid_lft forever preferred_lft forever',
  add6: '3: d0    inet6 fd00::5/64 scope global nodad \\       valid_lft forever preferred_lft forever',
  dep6: '3: d0    inet6 fd00::5/64 scope global deprecated \\       valid_lft forever preferred_lft 0sec',
  dep6tentative: '3: d0    inet6 fd00::5/64 scope global deprecated tentative \\       valid_lft forever preferred_lft 0sec',
  lft6: '3: d0    inet6 fd00::6/64 scope global dynamic \\       valid_lft 86399sec preferred_lft 14399sec',
  del6: 'Deleted 3: d0    inet6 FD00:0:0::5/64 scope global nodad \\       valid_lft forever preferred_lft forever',
  peer: '9: ppp0    inet 10.64.0.1 peer 10.64.0.2/32 scope global ppp0\\       valid_lft forever preferred_lft forever',
};

describe('parseMonitorLine', () => {
  it('reads link lines: index, name without its @peer, flags, MAC; Deleted', () => {
    expect(parseMonitorLine(L.linkUp)).toEqual({ kind: 'link', deleted: false, ifindex: 3, ifname: 'd0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mac: 'fe:e1:12:66:54:e4' });
    expect(parseMonitorLine(L.linkNoCarrier)).toMatchObject({ ifindex: 2, ifname: 'd0p', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN'] });
    expect(parseMonitorLine(L.linkDeleted)).toMatchObject({ kind: 'link', deleted: true, ifindex: 5, ifname: 'd1' });
    expect(parseMonitorLine(L.lo)).toMatchObject({ ifindex: 1, ifname: 'lo', mac: '00:00:00:00:00:00' });
    expect(parseMonitorLine(L.tun)).toMatchObject({ ifindex: 7, ifname: 'tun0', mac: null });
  });

  it('reads address lines: family, canonical address, prefix; brd and labels do not confuse it; Deleted', () => {
    expect(parseMonitorLine(L.add4)).toEqual({ kind: 'addr', deleted: false, ifindex: 3, ifname: 'd0', family: 4, address: '198.18.5.1', prefix: 24, deprecated: false });
    expect(parseMonitorLine(L.add4brd)).toMatchObject({ ifindex: 2, ifname: 'eth0', address: '198.18.0.11', prefix: 24 });
    expect(parseMonitorLine(L.add4label)).toMatchObject({ ifname: 'd0', address: '198.18.5.9', prefix: 32 });
    expect(parseMonitorLine(L.del4)).toMatchObject({ kind: 'addr', deleted: true, address: '198.18.5.1' });
    expect(parseMonitorLine(L.add6)).toEqual({ kind: 'addr', deleted: false, ifindex: 3, ifname: 'd0', family: 6, address: 'fd00::5', prefix: 64, deprecated: false });
    expect(parseMonitorLine(L.del6)).toMatchObject({ deleted: true, family: 6, address: 'fd00::5' });
  });

  it('an IPv6 address with preferred_lft 0sec is deprecated (as ip -json preferred_life_time 0); a running lifetime is not', () => {
    expect(parseMonitorLine(L.dep6)).toMatchObject({ address: 'fd00::5', deprecated: true });
    expect(parseMonitorLine(L.dep6tentative)).toMatchObject({ deprecated: true });
    expect(parseMonitorLine(L.lft6)).toMatchObject({ address: 'fd00::6', deprecated: false });
  });

  it('a point-to-point address is the local one with the peer prefix (as ip -json local/prefixlen)', () => {
    expect(parseMonitorLine(L.peer)).toMatchObject({ ifname: 'ppp0', family: 4, address: '10.64.0.1', prefix: 32 });
  });

  it('anything else is null (the view resyncs), never a guess', () => {
    for (const l of ['', 'netlink receive error No buffer space available (105)', 'Dump terminated', '[LINK]3: d0: <UP>', '3: d0    inet 198.18.5.999/24 scope global d0', '3: d0    inet 198.18.5.1/33 scope global d0', '3: d0    inet6 fd00::5/129 scope global', '3: d0    inet 198.18.5.1 scope global d0', 'x: d0: <UP> mtu 1500'])
      expect(parseMonitorLine(l), l).toBeNull();
  });
});

describe('batchLine', () => {
  it('ip addr add/del become batch lines; -6/-4 are dropped (the address names its family)', () => {
    expect(batchLine(['ip', 'addr', 'add', '198.18.0.100/24', 'dev', 'eth0'])).toEqual({ line: 'addr add 198.18.0.100/24 dev eth0' });
    expect(batchLine(['ip', '-6', 'addr', 'add', 'fd00::100/64', 'dev', 'eth0', 'nodad', 'preferred_lft', '0'])).toEqual({ line: 'addr add fd00::100/64 dev eth0 nodad preferred_lft 0' });
    expect(batchLine(['ip', 'addr', 'del', '198.18.0.100/24', 'dev', 'eth0'])).toEqual({ line: 'addr del 198.18.0.100/24 dev eth0' });
  });

  it('refuses arguments batch parsing could split or reinterpret, and other commands', () => {
    for (const bad of ['eth 0', 'eth0\n', 'a"b', "a'b", 'eth0#x', 'a\\b', '', 'a\tb'])
      expect(batchLine(['ip', 'addr', 'add', '198.18.0.100/24', 'dev', bad]), JSON.stringify(bad)).toHaveProperty('refused');
    expect(batchLine(['ip', 'link', 'set', 'eth0', 'down'])).toHaveProperty('refused');
    expect(batchLine(['ip', '-6', 'addr', 'change', 'fd00::1/64', 'dev', 'eth0'])).toHaveProperty('refused');
    expect(batchLine(['arping', '-U', '198.18.0.100'])).toHaveProperty('refused');
  });
});
