import { describe, expect, it } from 'vitest';
import { judgeArpSysctls, judgeNonlocalBind, judgeSelinux } from '../../src/core/doctor-net';

const arp = (ignore: [number | null, number | null], announce: [number | null, number | null], sameSubnet: string[] = []) =>
  judgeArpSysctls('10.0.0.100', { ifname: 'eth1', ignore: { all: ignore[0], iface: ignore[1] }, announce: { all: announce[0], iface: announce[1] }, sameSubnet });

describe('judgeArpSysctls', () => {
  it('passes the defaults with one interface on the segment, and the recommended values with two', () => {
    expect(arp([0, 0], [0, 0])).toMatchObject({ status: 'pass', detail: 'arp_ignore 0, arp_announce 0: only eth1 answers for the VIP' });
    expect(arp([1, 0], [2, 0], ['eth2'])).toMatchObject({ status: 'pass' });
  });
  it('uses the larger of all and the interface, as the kernel does', () => {
    expect(arp([0, 8], [0, 0])).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^arp_ignore 8, .*never find the VIP here/) });
    expect(arp([8, 0], [0, 0]).status).toBe('fail');
  });
  it('warns of ARP flux: arp_ignore 0 (or arp_announce 0) with another interface on the VIP subnet', () => {
    expect(arp([0, 0], [2, 2], ['eth2'])).toMatchObject({ status: 'warn', detail: expect.stringContaining('eth2 also on the VIP\'s subnet'), fix: expect.stringContaining('arp_ignore=1') });
    expect(arp([1, 1], [0, 0], ['eth2']).status).toBe('warn');
  });
  it('says so when the values cannot be read', () => {
    expect(arp([null, 0], [0, 0]).status).toBe('warn');
  });
});

describe('judgeNonlocalBind', () => {
  it('passes when Redis does not list the VIP, or the kernel lets it bind one that is not here', () => {
    expect(judgeNonlocalBind('10.0.0.100', 4, ['*', '-::*'], 0).status).toBe('pass');
    expect(judgeNonlocalBind('10.0.0.100', 4, ['10.0.0.11', '10.0.0.100'], 1).status).toBe('pass');
  });
  it('fails when Redis lists the VIP and ip_nonlocal_bind is 0, naming the sysctl of the family', () => {
    expect(judgeNonlocalBind('10.0.0.100', 4, ['10.0.0.11', '10.0.0.100'], 0)).toMatchObject({ status: 'fail', detail: expect.stringContaining('it cannot start'), fix: expect.stringContaining('net.ipv4.ip_nonlocal_bind=1') });
    expect(judgeNonlocalBind('fd00::100', 6, ['-fd00::100'], 0)).toMatchObject({ status: 'fail', detail: expect.stringContaining('starts without it and never listens on it'), fix: expect.stringContaining('net.ipv6.ip_nonlocal_bind=1') });
  });
  it('warns when the bind setting cannot be read', () => {
    expect(judgeNonlocalBind('10.0.0.100', 4, null, 0, 'NOPERM')).toMatchObject({ status: 'warn', detail: "cannot read Redis's bind: NOPERM" });
  });
});

describe('judgeSelinux', () => {
  it('passes without SELinux or when permissive; warns when enforcing', () => {
    expect(judgeSelinux(null).status).toBe('pass');
    expect(judgeSelinux('0\n').status).toBe('pass');
    expect(judgeSelinux('1\n')).toMatchObject({ status: 'warn', fix: expect.stringContaining('redis_exec_t') });
  });
});
