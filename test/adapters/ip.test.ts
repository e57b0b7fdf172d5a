import { describe, expect, it } from 'vitest';
import { parseIpJson } from '../../src/adapters/ip';
import type { Link } from '../../src/core/local';

// Shaped like `ip -json addr show` (iproute2 6.1): loopback, a DOWN link, an
// up link with IPv4 + IPv6 (one written unnormalised), an interface that is
// administratively UP without carrier, one without addr_info at all, and the
// empty object that `ip -json addr show up` prints for filtered-out links.
const FIXTURE = JSON.stringify([
  {
    ifindex: 1,
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    mtu: 65536,
    qdisc: 'noqueue',
    operstate: 'UNKNOWN',
    group: 'default',
    txqlen: 1000,
    link_type: 'loopback',
    address: '00:00:00:00:00:00',
    broadcast: '00:00:00:00:00:00',
    addr_info: [
      { family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: '::1', prefixlen: 128, scope: 'host', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ],
  },
  {
    ifindex: 2,
    ifname: 'ifb0',
    flags: ['BROADCAST', 'NOARP'],
    mtu: 1500,
    qdisc: 'noop',
    operstate: 'DOWN',
    group: 'default',
    txqlen: 32,
    link_type: 'ether',
    address: '3a:42:76:4f:5a:e5',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    addr_info: [],
  },
  {
    ifindex: 4,
    ifname: 'eth0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    qdisc: 'pfifo_fast',
    operstate: 'UP',
    group: 'default',
    txqlen: 1000,
    link_type: 'ether',
    address: '02:fc:00:00:00:01',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    addr_info: [
      { family: 'inet', local: '10.0.0.11', prefixlen: 24, broadcast: '10.0.0.255', scope: 'global', label: 'eth0', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet', local: '10.0.0.100', prefixlen: 24, scope: 'global', secondary: true, label: 'eth0', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: 'fd00:0:0:0:0:0:0:11', prefixlen: 64, scope: 'global', nodad: true, valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: 'fe80::fc:ff:fe00:1', prefixlen: 64, scope: 'link', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ],
  },
  {
    ifindex: 5,
    ifname: 'eth1',
    flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
    mtu: 1500,
    qdisc: 'pfifo_fast',
    operstate: 'DOWN',
    group: 'default',
    txqlen: 1000,
    link_type: 'ether',
    address: '02:fc:00:00:00:02',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    addr_info: [{ family: 'inet', local: '192.168.5.11', prefixlen: 24, scope: 'global', label: 'eth1', valid_life_time: 4294967295, preferred_life_time: 4294967295 }],
  },
  {
    ifindex: 6,
    ifname: 'wg0',
    flags: ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'],
    mtu: 1420,
    qdisc: 'noqueue',
    operstate: 'UNKNOWN',
    group: 'default',
    txqlen: 1000,
    link_type: 'none',
  },
  {},
]);

const EXPECTED: Link[] = [
  {
    ifname: 'lo',
    up: true,
    mac: '00:00:00:00:00:00',
    addresses: [
      { address: '127.0.0.1', prefix: 8, family: 4 },
      { address: '::1', prefix: 128, family: 6 },
    ],
  },
  { ifname: 'ifb0', up: false, mac: '3a:42:76:4f:5a:e5', addresses: [] },
  {
    ifname: 'eth0',
    up: true,
    mac: '02:fc:00:00:00:01',
    addresses: [
      { address: '10.0.0.11', prefix: 24, family: 4 },
      { address: '10.0.0.100', prefix: 24, family: 4 },
      { address: 'fd00::11', prefix: 64, family: 6 },
      { address: 'fe80::fc:ff:fe00:1', prefix: 64, family: 6 },
    ],
  },
  { ifname: 'eth1', up: false, mac: '02:fc:00:00:00:02', addresses: [{ address: '192.168.5.11', prefix: 24, family: 4 }] },
  { ifname: 'wg0', up: true, mac: null, addresses: [] },
];

describe('parseIpJson', () => {
  it('turns `ip -json addr show` output into links', () => {
    expect(parseIpJson(FIXTURE)).toEqual(EXPECTED);
  });

  it.each<[string, object, Partial<Link>]>([
    ['UP without LOWER_UP is not up', { ifname: 'x', flags: ['UP'] }, { up: false }],
    ['LOWER_UP without UP is not up', { ifname: 'x', flags: ['LOWER_UP'] }, { up: false }],
    ['no flags is not up', { ifname: 'x' }, { up: false }],
    [
      'an IPv6 address with preferred lifetime 0 is deprecated; an IPv4 one never is',
      { ifname: 'x', addr_info: [{ family: 'inet6', local: 'fd00::100', prefixlen: 64, preferred_life_time: 0 }, { family: 'inet6', local: 'fd00::11', prefixlen: 64, preferred_life_time: 4294967295 }, { family: 'inet', local: '10.0.0.1', prefixlen: 24, preferred_life_time: 0 }] },
      {
        addresses: [
          { address: 'fd00::100', prefix: 64, family: 6, deprecated: true },
          { address: 'fd00::11', prefix: 64, family: 6 },
          { address: '10.0.0.1', prefix: 24, family: 4 },
        ],
      },
    ],
    [
      'a missing prefixlen means a host route',
      { ifname: 'x', addr_info: [{ family: 'inet', local: '10.0.0.1' }, { family: 'inet6', local: 'fd00::1' }] },
      {
        addresses: [
          { address: '10.0.0.1', prefix: 32, family: 4 },
          { address: 'fd00::1', prefix: 128, family: 6 },
        ],
      },
    ],
    [
      'entries that are not inet/inet6 or have no local address are skipped',
      {
        ifname: 'x',
        addr_info: [{ family: 'link', local: '02:00:00:00:00:01' }, { family: 'inet', prefixlen: 24 }, {}, { family: 'inet', local: '10.0.0.2', prefixlen: 24 }],
      },
      { addresses: [{ address: '10.0.0.2', prefix: 24, family: 4 }] },
    ],
  ])('%s', (_name, raw, expected) => {
    const links = parseIpJson(JSON.stringify([raw]));
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject(expected);
  });

  it('parses an empty list', () => {
    expect(parseIpJson('[]')).toEqual([]);
  });

  it.each([
    ['not JSON', 'Device "eth9" does not exist.', SyntaxError],
    ['an object, not an array', '{"ifname":"lo"}', /expected an array/],
    ['empty output', '', SyntaxError],
  ])('throws on %s', (_name, text, error) => {
    expect(() => parseIpJson(text)).toThrow(error);
  });
});
