/** readLocalLinks (adapters/ip), the hook's read under the lock: the interface list where it is whole, else `ip`. Fake sources. */
import { describe, expect, it } from 'vitest';
import { parseProcNetDev, readLocalLinks, type LocalLinkSources } from '../../src/adapters/ip';
import type { InterfaceEntry, Link } from '../../src/core/local';

const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
   d0p:    1872      32    0    0    0     0          0         0     1178      14    0    0    0     0       0          0
    d0:     936      12    0    0    0     0          0         0     1936      32    0    0    0     0       0          0
`;
const ENTRIES: Record<string, InterfaceEntry[]> = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', cidr: '127.0.0.1/8', mac: '00:00:00:00:00:00' }],
  d0: [{ address: '198.18.200.11', family: 'IPv4', cidr: '198.18.200.11/24', mac: '1e:24:1b:33:93:b0' }],
  d0p: [{ address: 'fe80::ec7e:4dff:fe31:246e', family: 'IPv6', cidr: 'fe80::ec7e:4dff:fe31:246e/64', mac: 'ee:7e:4d:31:24:6e' }],
};
const FROM_IP: Link[] = [{ ifname: 'from-ip', up: true, mac: null, addresses: [] }];

function sources(o: { entries?: Record<string, InterfaceEntry[]>; devices?: string | Error; interfaces?: Error } = {}) {
  const spawned: Array<number | undefined> = [];
  const s: LocalLinkSources = {
    interfaces: () => {
      if (o.interfaces) throw o.interfaces;
      return o.entries ?? ENTRIES;
    },
    devices: () => {
      if (o.devices instanceof Error) throw o.devices;
      return o.devices ?? PROC_NET_DEV;
    },
    readLinks: async (t) => {
      spawned.push(t);
      return FROM_IP;
    },
  };
  return { s, spawned };
}

describe('parseProcNetDev', () => {
  it("every interface's name, in the kernel's order", () => {
    expect(parseProcNetDev(PROC_NET_DEV)).toEqual(['lo', 'd0p', 'd0']);
    expect(parseProcNetDev('')).toEqual([]);
  });
});

describe('readLocalLinks', () => {
  it('every interface up and listed: the list, and no `ip` started', async () => {
    const { s, spawned } = sources();
    const links = await readLocalLinks('198.18.200.100', 3000, s);
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'd0p', 'd0']);
    expect(links[2]!.addresses).toEqual([{ address: '198.18.200.11', prefix: 24, family: 4 }]);
    expect(spawned).toEqual([]);
  });

  it.each<[string, Parameters<typeof sources>[0]]>([
    ['an interface missing from the list (down)', { entries: { lo: ENTRIES.lo!, d0: ENTRIES.d0! } }],
    ['no /proc/self/net/dev', { devices: Object.assign(new Error('ENOENT'), { code: 'ENOENT' }) }],
    ['getifaddrs failed', { interfaces: new Error('uv_interface_addresses returned Unknown system error') }],
  ])('%s: `ip -json addr show`, with the timeout given', async (_name, o) => {
    const { s, spawned } = sources(o);
    expect(await readLocalLinks('198.18.200.100', 3000, s)).toBe(FROM_IP);
    expect(spawned).toEqual([3000]);
  });
});
