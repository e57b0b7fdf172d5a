/**
 * The judging parts of `vipctl bind` and `unbind`. Pure: what the duplicate
 * probe found and what Sentinel's majority says, turned into a refusal, a
 * warning, or nothing.
 */
import type { DupProbe } from './dup-probe';
import { VipctlError } from './errors';
import { masterHost } from './sentinel-view';

/**
 * Refuse a bind while another host answers for the VIP (two hosts answering
 * for one address is the incident this guards against). `ownMacs`: this
 * host's MACs, never counted as "another host". With `force`, never refuse;
 * the returned MACs go into the log line. A probe that could not run is a
 * refusal too (exit 1, nothing changed): the check did not happen.
 */
export function judgeBindProbe(probe: DupProbe | null, ownMacs: ReadonlySet<string>, vip: string, force: boolean): { otherMacs: string[]; probeError?: string } {
  if (probe === null || probe.kind === 'free') return { otherMacs: [] };
  if (probe.kind === 'failed') {
    if (force) return { otherMacs: [], probeError: probe.error };
    throw new VipctlError('REFUSED', `cannot check whether another host answers for ${vip} (${probe.error}); fix that (see vipctl doctor), or bind anyway with --force`);
  }
  const otherMacs = probe.macs.filter((m) => !ownMacs.has(m));
  if (otherMacs.length > 0 && !force) {
    throw new VipctlError('REFUSED', `another host already answers for ${vip} (MAC ${otherMacs.join(', ')}); nothing changed. Unbind it there first (vipctl unbind), or bind anyway with --force`, { otherHolderMac: otherMacs[0] });
  }
  return { otherMacs };
}

/** A warning when an operator's bind or unbind goes against Sentinel's majority; null when it agrees. */
export function sentinelWarning(op: 'bind' | 'unbind', sentinelMaster: string | null, local: ReadonlySet<string>, said: string): string | null {
  if (sentinelMaster === null) return `no majority of Sentinels agrees on a master (${said}): cannot tell whether this host should hold the VIP`;
  const here = local.has(masterHost(sentinelMaster));
  if (op === 'bind' && !here) return `Sentinel's majority says the master is ${sentinelMaster}, not this host (${said}): clients through the VIP will reach this host's Redis, and the next hook, reconcile or watch run will move the VIP back`;
  if (op === 'unbind' && here) return `Sentinel's majority says the master is this host (${sentinelMaster}, ${said}): clients through the VIP lose the master until it is bound again (the next hook, reconcile or watch run puts it back)`;
  return null;
}
