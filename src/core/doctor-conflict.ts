/** `vipctl doctor`: the foreign-holder probe, judged (pure; the probe is core/dup-probe's, run by src/doctor/conflict.ts). */
import { fail, pass, warn, type CheckResult } from './doctor';
import type { DupProbe } from './dup-probe';
import { foreignMacs } from './watch/conflict';

export interface ConflictEvidence {
  vip: string;
  ifname: string;
  boundHere: boolean;
  probe: DupProbe;
  ownMacs: ReadonlySet<string>;
}

export function judgeConflict(master: string, e: ConflictEvidence): CheckResult {
  const check = `other holders of ${e.vip} (${master})`;
  if (e.probe.kind === 'failed') return warn(check, `cannot probe on ${e.ifname}: ${e.probe.error}`, e.vip.includes(':') ? 'apt-get install ndisc6; run as root (CAP_NET_RAW)' : 'apt-get install iputils-arping; run as root (CAP_NET_RAW)');
  const others = foreignMacs(e.probe, e.ownMacs);
  if (e.boundHere) {
    return others.length > 0
      ? fail(check, `bound here, and ${others.join(', ')} answers for it too: a host vipctl does not manage holds the VIP (clients may reach either)`, `find the host with that MAC (ip neigh on a client, the switch's MAC table) and remove the address there (ip addr del ${e.vip}/... dev ...); vipctl watch re-announces this host meanwhile`)
      : pass(check, `bound here on ${e.ifname}; no other host answers for it`);
  }
  if (others.length > 1) return fail(check, `not bound here; ${others.join(', ')} all answer for it: more than one host holds the VIP`, 'run vipctl status on the master\'s host; remove the address from the host that is not the master');
  return pass(check, others.length === 1 ? `not bound here; answered by ${others[0]} (the holder: vipctl status on the master's host says conflict if another host answers as well)` : `not bound here; no host answers for it on ${e.ifname}`);
}
