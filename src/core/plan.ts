/**
 * Plans as data: the argv arrays a decision turns into. Nothing here runs
 * anything, so `--dry-run` only prints what `planFor` returns.
 */
import type { Cidr } from './address';
import type { Config } from './config';
import type { Decision } from './decide';

export type Step =
  /** Run argv; a failure whose stderr matches `okIf` counts as success (idempotence). */
  | { kind: 'exec'; what: 'ip-add' | 'ip-del'; argv: string[]; okIf: string }
  /** Start announcing (gratuitous ARP), first packet now, the rest in the background. */
  | { kind: 'announce'; argv: string[]; count: number; intervalSeconds: number }
  /** Stop a background announcer of this VIP, if one runs. */
  | { kind: 'stop-announce' };

// What `ip` says when the address is already there / already gone.
export const IP_ADD_EXISTS = 'File exists';
export const IP_DEL_MISSING = 'Cannot assign requested address';

export function ipAdd(vip: Cidr, ifname: string): Step {
  return { kind: 'exec', what: 'ip-add', argv: ['ip', 'addr', 'add', vip.text, 'dev', ifname], okIf: IP_ADD_EXISTS };
}

export function ipDel(vip: Cidr, ifname: string): Step {
  return { kind: 'exec', what: 'ip-del', argv: ['ip', 'addr', 'del', vip.text, 'dev', ifname], okIf: IP_DEL_MISSING };
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

/** `ifname`: where the VIP goes; null is fine when the decision adds nothing (see Observed.interface). */
export function planFor(decision: Decision, vip: Cidr, ifname: string | null, announce: Config['announce']): Step[] {
  const steps: Step[] = [];
  if (ifname === null && (decision.add || decision.announce)) throw new TypeError('planFor: the VIP goes somewhere, but no interface was given');
  // The announcer stops before the address goes: one left running after the
  // VIP is gone would pull neighbours back to this host.
  if (decision.stopAnnounce) steps.push({ kind: 'stop-announce' });
  for (const i of decision.removeFrom) steps.push(ipDel(vip, i));
  if (decision.add) steps.push(ipAdd(vip, ifname!));
  if (decision.announce && announce.count > 0) {
    steps.push({ kind: 'announce', argv: arpingArgv(vip, ifname!, announce), count: announce.count, intervalSeconds: announce.intervalSeconds });
  }
  return steps;
}

/** One line per step, for --dry-run and logs. */
export function describePlan(steps: readonly Step[]): string[] {
  return steps.map((s) => (s.kind === 'stop-announce' ? 'stop background announcer (if any)' : s.argv.join(' ')));
}
