/**
 * Plans as data: the argv arrays a decision turns into. Nothing here runs
 * anything, so `--dry-run` only prints what `planFor` returns.
 */
import type { Cidr } from './address';
import type { Config } from './config';
import type { Decision } from './decide';

export type Step =
  /** Run argv; a failure whose stderr contains one of `okIf` counts as success (idempotence). */
  | { kind: 'exec'; what: 'ip-add' | 'ip-del'; argv: string[]; okIf: readonly string[] }
  /** Run argv; it succeeds whatever the address's lifetimes were (idempotent by itself). */
  | { kind: 'exec'; what: 'ip-deprecate'; argv: string[]; okIf?: undefined }
  /** Start announcing (IPv4: gratuitous ARP; IPv6: unsolicited NA), first packet now, the rest in the background. */
  | { kind: 'announce'; argv: string[]; count: number; intervalSeconds: number }
  /** Stop a background announcer of this VIP, if one runs. */
  | { kind: 'stop-announce' };

// What `ip` says (LC_ALL=C) when the address is already there / already gone.
/** Without the kernel's extended ack: strerror(EEXIST). */
export const IP_ADD_EXISTS = 'File exists';
/** Linux 6.1 (Debian 12) with iproute2 6.1: "Error: ipv4: Address already assigned." */
export const IP_ADD_ASSIGNED = 'Address already assigned';
/** Without the kernel's extended ack: strerror(EADDRNOTAVAIL). */
export const IP_DEL_MISSING = 'Cannot assign requested address';
/** Linux 6.1 (Debian 12) with iproute2 6.1: "Error: ipv4: Address not found." (also for a wrong prefix length). */
export const IP_DEL_NOT_FOUND = 'Address not found';
// The same for IPv6 (iproute2 6.1, Linux 6.x: "Error: ipv6: address already assigned.").
export const IP6_ADD_EXISTS = 'address already assigned';
export const IP6_DEL_MISSING = 'address not found';

/**
 * IPv6: `nodad`, the address is usable at once (no tentative second of
 * duplicate address detection); `preferred_lft 0`, the address is
 * deprecated from the start: it takes connections and answers neighbour
 * solicitations as any other, but the kernel never picks it as the source of
 * this host's own new connections (RFC 6724 rule 3). Without it, rule 8
 * (longest matching prefix) makes the VIP the source towards every peer whose
 * address is nearer the VIP's than the host's own (checked with `ip -6 route
 * get`), and those connections break when the VIP moves.
 */
export function ipAdd(vip: Cidr, ifname: string): Step {
  if (vip.family === 6) return { kind: 'exec', what: 'ip-add', argv: ['ip', '-6', 'addr', 'add', vip.text, 'dev', ifname, 'nodad', 'preferred_lft', '0'], okIf: [IP6_ADD_EXISTS] };
  return { kind: 'exec', what: 'ip-add', argv: ['ip', 'addr', 'add', vip.text, 'dev', ifname], okIf: [IP_ADD_EXISTS, IP_ADD_ASSIGNED] };
}

/**
 * IPv6: make a VIP already bound on `ifname` deprecated in place (no delete,
 * no moment without it): `ip addr change` rewrites its lifetimes. (It also
 * adds the address if it went missing since it was read, which is what a
 * host that must hold it wants.)
 */
export function ipDeprecate(vip: Cidr, ifname: string): Step {
  return { kind: 'exec', what: 'ip-deprecate', argv: ['ip', '-6', 'addr', 'change', vip.text, 'dev', ifname, 'nodad', 'preferred_lft', '0'] };
}

/** Remove the VIP from `ifname`, as bound there with `prefix` (default: the configured one). */
export function ipDel(vip: Cidr, ifname: string, prefix: number = vip.prefix): Step {
  const text = `${vip.address}/${prefix}`;
  if (vip.family === 6) return { kind: 'exec', what: 'ip-del', argv: ['ip', '-6', 'addr', 'del', text, 'dev', ifname], okIf: [IP6_DEL_MISSING] };
  return { kind: 'exec', what: 'ip-del', argv: ['ip', 'addr', 'del', text, 'dev', ifname], okIf: [IP_DEL_MISSING, IP_DEL_NOT_FOUND] };
}

/**
 * One unsolicited Neighbour Advertisement (libndp's ndptool: to all-nodes,
 * Override flag set), which moves an existing neighbour-cache entry for the
 * VIP to this host's MAC. ndptool sends one packet per run: the announcer
 * runs it `count` times, `intervalSeconds` apart (adapters/announce).
 */
export function ndptoolArgv(vip: Cidr, ifname: string): string[] {
  return ['ndptool', '-t', 'na', '-U', '-i', ifname, '-T', vip.address, 'send'];
}

export function arpingArgv(vip: Cidr, ifname: string, announce: Config['announce']): string[] {
  return [
    'arping',
    announce.mode === 'reply' ? '-A' : '-U',
    '-c', String(announce.count),
    '-i', String(announce.intervalSeconds),
    '-I', ifname,
    '-s', vip.address,
    vip.address,
  ];
}

/**
 * `ifname`: where the VIP goes; null is fine when the decision adds nothing (see Observed.interface).
 * `prefixes`: the prefix lengths the VIP is bound with on each interface it is removed from
 * (core/local boundPrefixes); an interface not in it is removed with the configured prefix.
 */
export function planFor(decision: Decision, vip: Cidr, ifname: string | null, announce: Config['announce'], prefixes?: ReadonlyMap<string, readonly number[]>): Step[] {
  const steps: Step[] = [];
  if (ifname === null && (decision.add || decision.deprecate || decision.announce)) throw new TypeError('planFor: the VIP goes somewhere, but no interface was given');
  // The announcer stops before the address goes: one left running after the
  // VIP is gone would pull neighbours back to this host.
  if (decision.stopAnnounce) steps.push({ kind: 'stop-announce' });
  for (const i of decision.removeFrom) for (const p of prefixes?.get(i) ?? [vip.prefix]) steps.push(ipDel(vip, i, p));
  if (decision.add) steps.push(ipAdd(vip, ifname!));
  if (decision.deprecate && vip.family === 6) steps.push(ipDeprecate(vip, ifname!));
  if (decision.announce && announce.count > 0) {
    const argv = vip.family === 6 ? ndptoolArgv(vip, ifname!) : arpingArgv(vip, ifname!, announce);
    steps.push({ kind: 'announce', argv, count: announce.count, intervalSeconds: announce.intervalSeconds });
  }
  return steps;
}
