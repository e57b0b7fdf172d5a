/**
 * `vipctl doctor`'s host-name check (Sentinels with announce-hostnames yes):
 * does each name a Sentinel gives for a master resolve, on this host, to an
 * address that names one host? Pure: the caller resolves.
 */
import { desiredFromAddresses } from './desired';
import { fail, pass, type CheckResult } from './doctor';

const FIX_RESOLVE = 'add every node\'s name to /etc/hosts on every node (a failover should not wait on DNS), or fix DNS; `getent hosts NAME` shows what vipctl sees';

/** One name from the Sentinels' SENTINEL MASTER replies for `master`, and what it resolved to here (null: not, or not in time). */
export function judgeHostName(master: string, name: string, addresses: readonly string[] | null, local: ReadonlySet<string>): CheckResult {
  const check = `host name ${name} (${master})`;
  const w = desiredFromAddresses(name, addresses, local);
  if (w.desired === 'unknown') {
    return fail(check, `${w.reason}: the hook exits on it and watch, reconcile and status treat the master as unknown`, addresses === null || addresses.length === 0 ? FIX_RESOLVE : `map ${name} to the node's real address in /etc/hosts (Debian's installer puts the host's own name on 127.0.1.1)`);
  }
  return pass(check, `resolves to ${addresses!.join(', ')} (${w.desired === 'here' ? 'this host' : 'another host'})`);
}
