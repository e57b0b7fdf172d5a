/**
 * The kernel's TCP socket table (/proc/net/tcp and /proc/net/tcp6, read by
 * adapters/host.ts), parsed, and the rule that decides whether a local peer
 * may be sent credentials. Pure.
 *
 * Why: any local user can bind a port that a stopped redis-server or
 * redis-sentinel left free (6379, 26379 are not privileged ports) and answer
 * RESP. Before vipctl sends a password (or believes a ROLE) on a connection
 * to an address of this host, it finds the server's end of that very
 * connection in the table: the accepted socket carries the uid of the
 * listening socket's owner. Only root and the configured service user pass.
 */
import ipaddr from 'ipaddr.js';

export interface SocketEntry {
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  /** Kernel state: 1 established, 10 (0x0A) listen... */
  state: number;
  uid: number;
  inode: number;
}

/** One address field of /proc/net/tcp{,6}: 32-bit words in host order (little-endian on the machines vipctl runs on), hex. */
function parseHexAddress(hex: string): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** The rows of /proc/net/tcp or tcp6 (the header line and malformed rows are skipped). */
export function parseSocketTable(text: string): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    const [la, lp] = f[1]!.split(':');
    const [ra, rp] = f[2]!.split(':');
    const lip = parseHexAddress(la ?? '');
    const rip = parseHexAddress(ra ?? '');
    if (lip === null || rip === null) continue;
    out.push({ local: { ip: lip, port: parseInt(lp ?? '', 16) }, remote: { ip: rip, port: parseInt(rp ?? '', 16) }, state: parseInt(f[3]!, 16), uid: Number(f[7]), inode: Number(f[9]) });
  }
  return out;
}

/** An address in one canonical form: IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 peer) as IPv4. */
export function canonicalIp(ip: string): string | null {
  try {
    const a = ipaddr.parse(ip.replace(/%.*$/, ''));
    if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) return (a as ipaddr.IPv6).toIPv4Address().toString();
    return a.toString();
  } catch {
    return null;
  }
}

const same = (a: string, b: string): boolean => canonicalIp(a) !== null && canonicalIp(a) === canonicalIp(b);

/**
 * The server's end of one connection of ours: the entry whose local end is
 * the address we connected to and whose remote end is our socket. null when
 * it is not in the table (the server is on another host, or in another
 * network namespace).
 */
export function serverEnd(table: readonly SocketEntry[], c: { serverIp: string; serverPort: number; clientIp: string; clientPort: number }): SocketEntry | null {
  return table.find((e) => e.state !== 10 && e.local.port === c.serverPort && e.remote.port === c.clientPort && same(e.local.ip, c.serverIp) && same(e.remote.ip, c.clientIp)) ?? null;
}

/** Listening sockets that take connections for ip:port (that address, or a wildcard). */
export function listenersFor(table: readonly SocketEntry[], ip: string, port: number): SocketEntry[] {
  const v4 = canonicalIp(ip)?.includes('.') === true;
  // '::' takes IPv4 too unless the socket is IPV6_V6ONLY, which the table does not say: counted
  return table.filter((e) => e.state === 10 && e.local.port === port && (same(e.local.ip, ip) || (e.local.ip === '0.0.0.0' && v4) || e.local.ip === '::'));
}

export interface OwnerRule {
  /** Which config section names the service user (for the log line). */
  key: string;
  /** The service user as configured (a name or a uid). */
  user: string;
  /** Its uid on this host, or null when no such user exists (then only root passes). */
  uid: number | null;
}

/** Null when a socket owned by `uid` may get credentials under `rule`, else why not (one line). */
export function ownerRefusal(uid: number, rule: OwnerRule, describeUid: (uid: number) => string = String): string | null {
  if (uid === 0 || (rule.uid !== null && uid === rule.uid)) return null;
  const who = rule.uid === null ? `root (${rule.key} ${rule.user} is no user on this host)` : `root or ${rule.user} (${rule.key})`;
  return `the socket belongs to ${describeUid(uid)}, not to ${who}`;
}
