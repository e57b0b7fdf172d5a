/**
 * The lab's IPv6 specifics (`lab up --ipv6`), kept out of lab.ts: the address
 * plan (fd00::/64; nodes fd00::11-13, client fd00::50, VIP fd00::100) and
 * the per-namespace set-up. Every command here runs inside a lab namespace
 * (`ip -n NS`, `ip netns exec NS sysctl`): the root namespace is never touched.
 */
export type LabFamily = 4 | 6;

export const LAB6_PREFIX = 64;
export const LAB6_VIP = 'fd00::100';

/** A host's address in the lab: 198.18.0.N or fd00::N (the same digits, read as hex by IPv6). */
export function labHostIp(family: LabFamily, n: number): string {
  return family === 6 ? `fd00::${n}` : `198.18.0.${n}`;
}

/**
 * Before any interface exists in a host namespace: no duplicate address
 * detection there, so every address (the link-local one included) is usable
 * at once instead of "tentative" for a second. Inside the namespace only.
 */
export function noDadArgv(ns: string): string[] {
  return ['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
}

/** `ip addr add` of a host's own address in its namespace (IPv6: nodad). */
export function hostAddrArgv(ns: string, ip: string, prefix: number, ifname: string): string[] {
  return ['ip', '-n', ns, 'addr', 'add', `${ip}/${prefix}`, 'dev', ifname, ...(ip.includes(':') ? ['nodad'] : [])];
}

/** Redis and Sentinel listen on every address of the family (IPv4 0.0.0.0; IPv6 :: as well): they answer on the VIP too. */
export function bindLine(family: LabFamily): string {
  return family === 6 ? 'bind 0.0.0.0 ::' : 'bind 0.0.0.0';
}

/** host:port as vipctl.yaml and redis-cli's users write it. */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
