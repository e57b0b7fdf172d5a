/**
 * linksFromInterfaces: os.networkInterfaces() read as `ip -json addr show`
 * would be, or null where it is not the whole picture. The two fixtures were
 * taken in one network namespace at the same moment (Node 20.20, iproute2 6.1,
 * Linux 6.1): lo; a veth d0 with an IPv4 address, the VIP (secondary), a ULA
 * and its link-local; its peer d0p with a link-local only.
 */
import { describe, expect, it } from 'vitest';
import { linksFromInterfaces, segmentAddresses, boundOn, resolveInterface, type InterfaceEntry, type Link } from '../../src/core/local';
import { parseIpJson } from '../../src/adapters/ip';
import { validateConfig } from '../../src/core/config';

const NETWORK_INTERFACES: Record<string, InterfaceEntry[]> = {
  "lo": [
    {
      "address": "127.0.0.1",
      "family": "IPv4",
      "cidr": "127.0.0.1/8",
      "mac": "00:00:00:00:00:00"
    },
    {
      "address": "::1",
      "family": "IPv6",
      "cidr": "::1/128",
      "mac": "00:00:00:00:00:00"
    }
  ],
  "d0": [
    {
      "address": "198.18.200.11",
      "family": "IPv4",
      "cidr": "198.18.200.11/24",
      "mac": "1e:24:1b:33:93:b0"
    },
    {
      "address": "198.18.200.100",
      "family": "IPv4",
      "cidr": "198.18.200.100/24",
      "mac": "1e:24:1b:33:93:b0"
    },
    {
      "address": "fd00:200::11",
      "family": "IPv6",
      "cidr": "fd00:200::11/64",
      "mac": "1e:24:1b:33:93:b0"
    },
    {
      "address": "fe80::1c24:1bff:fe33:93b0",
      "family": "IPv6",
      "cidr": "fe80::1c24:1bff:fe33:93b0/64",
      "mac": "1e:24:1b:33:93:b0"
    }
  ],
  "d0p": [
    {
      "address": "fe80::ec7e:4dff:fe31:246e",
      "family": "IPv6",
      "cidr": "fe80::ec7e:4dff:fe31:246e/64",
      "mac": "ee:7e:4d:31:24:6e"
    }
  ]
};
const IP_JSON = "[{\"ifindex\":1,\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\",\"UP\",\"LOWER_UP\"],\"mtu\":65536,\"qdisc\":\"noqueue\",\"operstate\":\"UNKNOWN\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"loopback\",\"address\":\"00:00:00:00:00:00\",\"broadcast\":\"00:00:00:00:00:00\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8,\"scope\":\"host\",\"label\":\"lo\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},{\"family\":\"inet6\",\"local\":\"::1\",\"prefixlen\":128,\"scope\":\"host\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}]},{\"ifindex\":2,\"link\":\"d0\",\"ifname\":\"d0p\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\",\"operstate\":\"UP\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"ether\",\"address\":\"ee:7e:4d:31:24:6e\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\",\"addr_info\":[{\"family\":\"inet6\",\"local\":\"fe80::ec7e:4dff:fe31:246e\",\"prefixlen\":64,\"scope\":\"link\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}]},{\"ifindex\":3,\"link\":\"d0p\",\"ifname\":\"d0\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\",\"operstate\":\"UP\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"ether\",\"address\":\"1e:24:1b:33:93:b0\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"198.18.200.11\",\"prefixlen\":24,\"scope\":\"global\",\"label\":\"d0\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},{\"family\":\"inet\",\"local\":\"198.18.200.100\",\"prefixlen\":24,\"scope\":\"global\",\"secondary\":true,\"label\":\"d0\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},{\"family\":\"inet6\",\"local\":\"fd00:200::11\",\"prefixlen\":64,\"scope\":\"global\",\"nodad\":true,\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},{\"family\":\"inet6\",\"local\":\"fe80::1c24:1bff:fe33:93b0\",\"prefixlen\":64,\"scope\":\"link\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}]}]";
const DEVICES = ['lo', 'd0p', 'd0'];
const VIP = '198.18.200.100';

const sorted = (links: Link[]): Link[] => [...links].map((l) => ({ ...l, addresses: [...l.addresses].sort((a, b) => a.address.localeCompare(b.address)) })).sort((a, b) => a.ifname.localeCompare(b.ifname));

describe('linksFromInterfaces', () => {
  it('every interface up and listed: the links `ip -json addr show` gives, address for address', () => {
    const links = linksFromInterfaces(NETWORK_INTERFACES, DEVICES, VIP);
    expect(links).not.toBeNull();
    expect(sorted(links!)).toEqual(sorted(parseIpJson(IP_JSON)));
    expect(links!.map((l) => l.ifname)).toEqual(DEVICES); // in the namespace's own order (ifindex), as ip lists them
  });

  it("the decision's inputs are the same from both: segment addresses, where the VIP is bound, the interface", () => {
    const master = validateConfig({ sentinel: { addresses: ['198.18.200.11:26379'] }, masters: { m: { vip: `${VIP}/24` } } }, {}).masters.get('m')!;
    const fast = linksFromInterfaces(NETWORK_INTERFACES, DEVICES, VIP)!;
    const ip = parseIpJson(IP_JSON);
    expect(segmentAddresses(master, fast, [VIP])).toEqual(segmentAddresses(master, ip, [VIP]));
    expect(boundOn(fast, VIP)).toEqual(['d0']);
    expect(resolveInterface(master, fast)).toBe(resolveInterface(master, ip));
  });

  it.each<[string, Record<string, InterfaceEntry[]>, string[]]>([
    // libuv leaves out an interface that is not UP and RUNNING (down, no carrier, dormant): its addresses are unknown
    ['an interface of the namespace is missing from the list (down, dormant, or without an address)', { lo: NETWORK_INTERFACES.lo!, d0: NETWORK_INTERFACES.d0! }, DEVICES],
    // getifaddrs names an IPv4 address with a label by the label: on which interface it is, the list does not say
    ['an address under a label (ip addr add ... label d0:1)', { ...NETWORK_INTERFACES, 'd0:1': [{ address: '198.18.200.101', family: 'IPv4', cidr: '198.18.200.101/24', mac: '00:00:00:00:00:00' }] }, DEVICES],
    ["no list of the namespace's interfaces", NETWORK_INTERFACES, []],
    ['a netmask that is no prefix (cidr null)', { ...NETWORK_INTERFACES, d0p: [{ ...NETWORK_INTERFACES.d0p![0]!, cidr: null }] }, DEVICES],
    ['an entry of an unknown family', { ...NETWORK_INTERFACES, d0p: [{ ...NETWORK_INTERFACES.d0p![0]!, family: 'IPX' }] }, DEVICES],
  ])('null (ask ip) when %s', (_name, entries, devices) => {
    expect(linksFromInterfaces(entries, devices, VIP)).toBeNull();
  });

  it('an IPv6 VIP bound here: null, the list does not say whether it is deprecated (the decision to deprecate it needs that)', () => {
    expect(linksFromInterfaces(NETWORK_INTERFACES, DEVICES, 'fd00:200:0::11')).toBeNull();
    expect(linksFromInterfaces(NETWORK_INTERFACES, DEVICES, 'fd00:200::100')).not.toBeNull(); // not bound: nothing to deprecate
  });

  it('Node 18.0-18.3 families (4, 6) read as the strings', () => {
    const numeric = Object.fromEntries(Object.entries(NETWORK_INTERFACES).map(([k, v]) => [k, v.map((e) => ({ ...e, family: e.family === 'IPv4' ? 4 : 6 }))]));
    expect(linksFromInterfaces(numeric, DEVICES, VIP)).toEqual(linksFromInterfaces(NETWORK_INTERFACES, DEVICES, VIP));
  });
});
