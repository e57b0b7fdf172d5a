import { thrownVipctlError } from '../support/errors';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/core/address';
import type { MasterConfig } from '../../src/core/config';
import { VipctlError } from '../../src/core/errors';
import { boundOn, boundPrefixes, localAddresses, preferredOn, resolveInterface, type Link, type LinkAddress } from '../../src/core/local';

function addr(cidr: string): LinkAddress {
  const c = parseCidr(cidr)!;
  return { address: c.address, prefix: c.prefix, family: c.family };
}

function link(ifname: string, cidrs: string[], up = true): Link {
  return { ifname, up, mac: ifname === 'lo' ? '00:00:00:00:00:00' : '02:00:00:00:00:01', addresses: cidrs.map(addr) };
}

function master(vip: string, iface?: string, name = 'mymaster'): MasterConfig {
  return { name, vip: parseCidr(vip)!, ...(iface === undefined ? {} : { interface: iface }) };
}

const LO = link('lo', ['127.0.0.1/8', '::1/128']);

describe('localAddresses', () => {
  const links = [LO, link('eth0', ['10.0.0.11/24', '10.0.0.100/24', 'fd00::11/64']), link('eth1', ['192.168.5.11/24', '192.168.5.200/24'])];

  it.each<[string, string[], string[]]>([
    ['no VIPs', [], ['127.0.0.1', '::1', '10.0.0.11', '10.0.0.100', 'fd00::11', '192.168.5.11', '192.168.5.200']],
    ['one VIP', ['10.0.0.100'], ['127.0.0.1', '::1', '10.0.0.11', 'fd00::11', '192.168.5.11', '192.168.5.200']],
    ['two VIPs on two links', ['10.0.0.100', '192.168.5.200'], ['127.0.0.1', '::1', '10.0.0.11', 'fd00::11', '192.168.5.11']],
    ['a VIP that is not bound', ['10.0.0.101'], ['127.0.0.1', '::1', '10.0.0.11', '10.0.0.100', 'fd00::11', '192.168.5.11', '192.168.5.200']],
    ['an IPv6 VIP spelled differently', ['FD00:0::11'], ['127.0.0.1', '::1', '10.0.0.11', '10.0.0.100', '192.168.5.11', '192.168.5.200']],
  ])('%s', (_name, vips, expected) => {
    expect([...localAddresses(links, vips)].sort()).toEqual([...expected].sort());
  });

  it('accepts any iterable of VIPs and lists an address held twice once', () => {
    const dup = [link('eth0', ['10.0.0.11/24']), link('eth1', ['10.0.0.11/24', '10.0.0.100/24'])];
    const out = localAddresses(dup, new Set(['10.0.0.100']));
    expect(out).toBeInstanceOf(Set);
    expect([...out]).toEqual(['10.0.0.11']);
  });
});

describe('boundOn', () => {
  it.each<[string, Link[], string, string[]]>([
    ['nowhere', [LO, link('eth0', ['10.0.0.11/24'])], '10.0.0.100', []],
    ['one interface', [LO, link('eth0', ['10.0.0.11/24', '10.0.0.100/24'])], '10.0.0.100', ['eth0']],
    ['two interfaces, in link order', [link('eth1', ['10.0.0.100/32']), link('eth0', ['10.0.0.100/24'])], '10.0.0.100', ['eth1', 'eth0']],
    ['a down interface still holds it', [link('eth0', ['10.0.0.100/24'], false)], '10.0.0.100', ['eth0']],
    ['a prefix of the address is not a match', [link('eth0', ['10.0.0.10/24'])], '10.0.0.1', []],
    ['a subnet neighbour is not a match', [link('eth0', ['10.0.0.101/24'])], '10.0.0.100', []],
  ])('%s', (_name, links, vip, expected) => {
    expect(boundOn(links, vip)).toEqual(expected);
  });
});

describe('boundPrefixes (what an unbind must name)', () => {
  it('gives the prefix each interface has the VIP with, not the configured one', () => {
    const links = [LO, link('eth1', ['10.0.0.100/32']), link('eth0', ['10.0.0.11/24', '10.0.0.100/24', '10.0.0.100/28'])];
    expect(boundPrefixes(links, '10.0.0.100')).toEqual(new Map([['eth1', [32]], ['eth0', [24, 28]]]));
    expect(boundPrefixes(links, '10.0.0.99')).toEqual(new Map());
  });
});

describe('preferredOn (IPv6 VIPs bound but not deprecated)', () => {
  const deprecated = (cidr: string): LinkAddress => ({ ...addr(cidr), deprecated: true });
  it.each<[string, Link[], string, string[]]>([
    ['bound deprecated, as vipctl binds it', [{ ...link('eth0', ['fd00::11/64']), addresses: [addr('fd00::11/64'), deprecated('fd00::100/64')] }], 'fd00::100', []],
    ['bound preferred (by hand, or an older vipctl)', [link('eth0', ['fd00::11/64', 'fd00::100/64'])], 'fd00::100', ['eth0']],
    ['not bound', [link('eth0', ['fd00::11/64'])], 'fd00::100', []],
    ['an IPv4 VIP: never', [link('eth0', ['10.0.0.11/24', '10.0.0.100/24'])], '10.0.0.100', []],
  ])('%s', (_name, links, vip, expected) => {
    expect(preferredOn(links, vip)).toEqual(expected);
  });
});

function configError(fn: () => unknown): VipctlError {
  return thrownVipctlError(fn, 'CONFIG', 2);
}

describe('resolveInterface: configured interface', () => {
  const links = [LO, link('eth0', ['10.0.0.11/24']), link('eth1', ['192.168.5.11/24']), link('eth2', [], false)];

  it.each<[string, string]>([
    ['eth1', 'an interface whose subnet does not hold the VIP'],
    ['eth0', 'the interface autodetect would pick'],
    ['eth2', 'a down interface with no address'],
  ])('returns %s (%s) as configured', (iface) => {
    expect(resolveInterface(master('10.0.0.100/24', iface), links)).toBe(iface);
  });

  it('is a CONFIG error naming masters.<name>.interface when the interface is missing', () => {
    const err = configError(() => resolveInterface(master('10.0.0.100/24', 'eth9', 'cache'), links));
    expect(err.details.key).toBe('masters.cache.interface');
    expect(err.message).toMatch(/^masters\.cache\.interface: interface eth9 does not exist on this host \(have: lo, eth0, eth1, eth2\)$/);
  });
});

describe('resolveInterface: autodetect', () => {
  it.each<[string, Link[], string]>([
    ['the single up interface holding the subnet', [LO, link('eth0', ['192.168.5.11/24']), link('eth1', ['10.0.0.11/24'])], 'eth1'],
    ['a wider subnet counts', [link('eth0', ['192.168.5.11/24']), link('eth1', ['10.0.5.11/16'])], 'eth1'],
    ['a second address on the interface', [link('eth0', ['192.168.5.11/24', 'fd00::11/64', '10.0.0.11/24'])], 'eth0'],
    ['a down interface in the same subnet is ignored', [link('eth0', ['10.0.0.12/24'], false), link('eth1', ['10.0.0.11/24'])], 'eth1'],
    [
      'the VIP itself (bound elsewhere) does not make its interface a candidate',
      [link('eth0', ['10.0.0.100/24']), link('eth1', ['10.0.0.11/24', '10.0.0.100/24'])],
      'eth1',
    ],
  ])('%s', (_name, links, expected) => {
    expect(resolveInterface(master('10.0.0.100/24'), links)).toBe(expected);
  });

  it.each<[string, Link[], RegExp]>([
    ['no links', [], /no up interface has a subnet holding 10\.0\.0\.100; set masters\.mymaster\.interface$/],
    ['no interface in the subnet', [LO, link('eth0', ['192.168.5.11/24'])], /no up interface has a subnet holding 10\.0\.0\.100/],
    ['only a down interface in the subnet', [LO, link('eth0', ['10.0.0.11/24'], false)], /no up interface has a subnet holding 10\.0\.0\.100/],
    ['only the VIP itself in the subnet', [link('eth0', ['10.0.0.100/24'])], /no up interface has a subnet holding 10\.0\.0\.100/],
    ['an address whose /32 does not hold the VIP', [link('eth0', ['10.0.0.11/32'])], /no up interface has a subnet holding 10\.0\.0\.100/],
    ['an IPv6 /0 does not hold an IPv4 VIP', [link('eth0', ['fd00::11/0'])], /no up interface has a subnet holding 10\.0\.0\.100/],
    [
      'several up interfaces in the subnet',
      [LO, link('eth0', ['10.0.0.11/24']), link('eth1', ['10.0.0.12/25'])],
      /several interfaces hold 10\.0\.0\.100's subnet \(eth0, eth1\); set masters\.mymaster\.interface$/,
    ],
  ])('is a CONFIG error naming masters.<name>.interface: %s', (_name, links, message) => {
    const err = configError(() => resolveInterface(master('10.0.0.100/24'), links));
    expect(err.details.key).toBe('masters.mymaster.interface');
    expect(err.message.startsWith('masters.mymaster.interface: ')).toBe(true);
    expect(err.message).toMatch(message);
  });
});
