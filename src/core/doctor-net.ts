/**
 * `vipctl doctor`: what in the host's network settings decides whether the
 * right host answers for the VIP. Pure judges; the reading is src/doctor/net.ts.
 *
 * - ARP (IPv4): `arp_ignore` and `arp_announce`, the larger of `all` and the
 *   VIP's interface being what the kernel uses. arp_ignore >= 8 answers no ARP
 *   for any local address: the VIP would never be found. 0 (the default)
 *   answers for the VIP on every interface: fine with one interface on the
 *   VIP's segment, "ARP flux" with two (either NIC's MAC may win).
 * - `ip_nonlocal_bind`: a Redis whose `bind` lists the VIP cannot listen on it
 *   while another host holds it, unless the kernel lets it bind an address
 *   that is not (yet) here; with `-VIP` (optional) it starts without it and
 *   never listens on it.
 * - SELinux enforcing: Sentinel (redis_t) may be refused running the hook.
 */
import { fail, pass, warn, type CheckResult } from './doctor';

export interface ArpSysctls {
  ifname: string;
  /** net.ipv4.conf.{all,<ifname>}.arp_ignore / arp_announce; null when unreadable. */
  ignore: { all: number | null; iface: number | null };
  announce: { all: number | null; iface: number | null };
  /** Other up interfaces with an address in the VIP's subnet (ARP flux candidates). */
  sameSubnet: readonly string[];
}

const ARP_FIX = 'sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 (and the same in /etc/sysctl.d/ to keep it)';

const effective = (v: { all: number | null; iface: number | null }): number | null => (v.all === null || v.iface === null ? null : Math.max(v.all, v.iface));

export function judgeArpSysctls(vip: string, s: ArpSysctls): CheckResult {
  const check = `arp settings on ${s.ifname} (${vip})`;
  const ignore = effective(s.ignore);
  const announce = effective(s.announce);
  if (ignore === null || announce === null) return warn(check, `cannot read net.ipv4.conf.{all,${s.ifname}}.arp_ignore/arp_announce`, 'run doctor where /proc/sys is readable');
  const values = `arp_ignore ${ignore}, arp_announce ${announce}`;
  if (ignore >= 8) return fail(check, `${values}: this host answers no ARP request for its addresses, so clients never find the VIP here`, ARP_FIX);
  if (ignore === 0 && s.sameSubnet.length > 0) {
    return warn(check, `${values}, and ${s.sameSubnet.join(', ')} also on the VIP's subnet: any of them may answer for the VIP with its own MAC (ARP flux)`, ARP_FIX);
  }
  if (announce === 0 && s.sameSubnet.length > 0) {
    return warn(check, `${values}, and ${s.sameSubnet.join(', ')} also on the VIP's subnet: the kernel may announce the VIP from another interface`, ARP_FIX);
  }
  return pass(check, `${values}: only ${s.ifname} answers for the VIP`);
}

/**
 * `bindWords`: Redis's `bind` (CONFIG GET), null when it could not be read;
 * `nonlocal`: net.ipv4/ipv6.ip_nonlocal_bind, null when unreadable.
 */
export function judgeNonlocalBind(vip: string, family: 4 | 6, bindWords: readonly string[] | null, nonlocal: number | null, bindError?: string): CheckResult {
  const check = `redis bind and ip_nonlocal_bind (${vip})`;
  const key = `net.ipv${family}.ip_nonlocal_bind`;
  if (bindWords === null) return warn(check, `cannot read Redis's bind: ${bindError ?? 'no answer'}`, 'allow CONFIG GET for redis.username, or check redis.conf by hand');
  const listed = bindWords.find((w) => w.replace(/^-/, '') === vip);
  if (listed === undefined) return pass(check, `Redis does not list the VIP in bind (${bindWords.join(' ') || 'every address'}): nothing to bind before the VIP is here`);
  if (nonlocal === 1) return pass(check, `Redis binds ${listed}, and ${key} = 1 lets it listen there before the VIP arrives`);
  const optional = listed.startsWith('-');
  return fail(
    check,
    `Redis binds ${listed} and ${key} = ${nonlocal ?? '?'}: ${optional ? 'restarted while the VIP is on another host, it starts without it and never listens on it' : 'restarted while the VIP is on another host, it cannot start'}`,
    `sysctl -w ${key}=1 (and in /etc/sysctl.d/), or bind 0.0.0.0 in redis.conf`,
  );
}

/** `/sys/fs/selinux/enforce`: null when SELinux is not there. */
export function judgeSelinux(enforce: string | null): CheckResult {
  const check = 'selinux';
  if (enforce === null) return pass(check, 'SELinux is not enabled');
  if (enforce.trim() !== '1') return pass(check, 'SELinux is permissive: nothing is refused (denials are only logged)');
  return warn(
    check,
    'SELinux is enforcing: Sentinel (redis_t) may be refused running its client-reconfig-script, and the hook then never runs (Sentinel logs only "-script-error")',
    'label vipctl for Sentinel: semanage fcontext -a -t redis_exec_t /usr/bin/vipctl && restorecon -v /usr/bin/vipctl (or use vipctl watch, which Sentinel does not run)',
  );
}
