import { expect, it } from 'vitest';
import { canonicalIp, listenersFor, ownerRefusal, parseSocketTable, serverEnd } from '../../src/core/socket-table';

// Lines as the kernel writes them (x86: each 32-bit word little-endian).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   1: 0100007F:1E61 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 18117 1 0000000095429747 100 0 0 10 0
  53: 0100007F:1E61 0100007F:9ECC 01 00000000:00000000 00:00000000 00000000 65534        0 18119 2 000000005d3fb6b8 20 0 0 11 -1
  54: 0100007F:9ECC 0100007F:1E61 01 00000000:00000005 00:00000000 00000000     0        0 18927 2 0000000056a772be 20 4 30 10 -1
   2: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 222 1 0 100 0 0 10 0
  garbage line
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 333 1 0 100 0 0 10 0
   1: 0000000000000000FFFF00000B0012C6:18EB 0000000000000000FFFF00000C0012C6:D431 01 00000000:00000000 00:00000000 00000000   104        0 334 1 0 100 0 0 10 0
   2: 000080FE00000000FF0000020000FE00:6EEB 00000000000000000000000001000000:C000 01 00000000:00000000 00:00000000 00000000     0        0 335 1 0 100 0 0 10 0
`;

it('parses /proc/net/tcp and tcp6: addresses, ports, state, uid, inode; skips the header and junk', () => {
  const t = parseSocketTable(TCP);
  expect(t).toHaveLength(4);
  expect(t[0]).toEqual({ local: { ip: '127.0.0.1', port: 7777 }, remote: { ip: '0.0.0.0', port: 0 }, state: 10, uid: 65534, inode: 18117 });
  expect(t[2]).toMatchObject({ local: { ip: '127.0.0.1', port: 0x9ecc }, uid: 0 });
  const t6 = parseSocketTable(TCP6);
  expect(t6.map((e) => canonicalIp(e.local.ip))).toEqual(['::', '198.18.0.11', 'fe80::200:ff:fe:0']);
  expect(t6[2]!.remote.ip).toBe('::1');
});

it("finds the server's end of one connection (also a dual-stack socket's IPv4-mapped view), and nothing else", () => {
  const t = [...parseSocketTable(TCP), ...parseSocketTable(TCP6)];
  expect(serverEnd(t, { serverIp: '127.0.0.1', serverPort: 7777, clientIp: '127.0.0.1', clientPort: 0x9ecc })).toMatchObject({ uid: 65534, inode: 18119 });
  // the client's own end is not the server's
  expect(serverEnd(t, { serverIp: '127.0.0.1', serverPort: 0x9ecc, clientIp: '127.0.0.1', clientPort: 7777 })?.uid).toBe(0);
  expect(serverEnd(t, { serverIp: '198.18.0.11', serverPort: 6379, clientIp: '198.18.0.12', clientPort: 0xd431 })).toMatchObject({ uid: 104, inode: 334 });
  expect(serverEnd(t, { serverIp: '198.18.0.11', serverPort: 6379, clientIp: '198.18.0.12', clientPort: 1 })).toBeNull();
  // a listening socket is never a connection's end
  expect(serverEnd(t, { serverIp: '0.0.0.0', serverPort: 6379, clientIp: '0.0.0.0', clientPort: 0 })).toBeNull();
});

it('listeners for an address: that address or a wildcard of its family (:: takes IPv4 too)', () => {
  const t = [...parseSocketTable(TCP), ...parseSocketTable(TCP6)];
  expect(listenersFor(t, '127.0.0.1', 7777).map((e) => e.inode)).toEqual([18117]);
  expect(listenersFor(t, '198.18.0.11', 6379).map((e) => e.inode)).toEqual([222, 333]);
  expect(listenersFor(t, 'fd00::11', 6379).map((e) => e.inode)).toEqual([333]);
  expect(listenersFor(t, '198.18.0.11', 6380)).toEqual([]);
});

it('root and the service user may get credentials; anybody else is refused, by name', () => {
  const rule = { key: 'redis.serviceUser', user: 'redis', uid: 104 };
  expect(ownerRefusal(0, rule)).toBeNull();
  expect(ownerRefusal(104, rule)).toBeNull();
  expect(ownerRefusal(65534, rule, (u) => `uid ${u} (nobody)`)).toBe('the socket belongs to uid 65534 (nobody), not to root or redis (redis.serviceUser)');
  // a service user this host does not have: root only
  expect(ownerRefusal(104, { ...rule, uid: null })).toBe('the socket belongs to 104, not to root (redis.serviceUser redis is no user on this host)');
});

it('canonical addresses: IPv4-mapped as IPv4, IPv6 compressed, zone dropped, junk null', () => {
  expect(canonicalIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
  expect(canonicalIp('FD00:0:0::0011')).toBe('fd00::11');
  expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
  expect(canonicalIp('nope')).toBeNull();
});
