/**
 * doctor: addresses this host has off the VIP's segment that every node may
 * have too (core/local.ts's segment rule). Pure. vipctl never counts such an
 * address as this host's for a master; if Sentinel names it as a master's
 * address (a Redis in a container announcing its bridge address), no host
 * ever gets the VIP. As far as one host can tell: an address a Sentinel names
 * for the master that is ours but off the segment, and addresses on
 * well-known bridge interfaces (docker0, virbr0, br-*, podman*, cni*, lxcbr*).
 */
import { pass, warn, type CheckResult } from './doctor';

const BRIDGES = /^(docker\d*|virbr\d+|br-[0-9a-f]+|podman\d*|cni\d*|lxcbr\d*|lxdbr\d*|cbr\d*|flannel\.\d+|cali[0-9a-f]*|vxlan\.calico|weave|kube-bridge)$/;

export function isWellKnownBridge(ifname: string): boolean {
  return BRIDGES.test(ifname);
}

/**
 * @param named addresses the Sentinels give for this master (ip fields), deduplicated
 * @param offSegment this host's addresses off the master's VIP segment, with their interface
 */
export function judgeSegment(master: string, named: readonly string[], offSegment: ReadonlyMap<string, string>): CheckResult[] {
  const check = `addresses off the VIP's segment (${master})`;
  const out: CheckResult[] = [];
  for (const ip of named) {
    const ifname = offSegment.get(ip);
    if (ifname !== undefined)
      out.push(
        warn(
          check,
          `Sentinel names ${ip} (on ${ifname} here, not on the VIP's interface or subnet) as ${master}'s address: vipctl does not count it as this host's, since every node may have it, so the VIP goes nowhere`,
          `make Redis announce an address on the VIP's segment (replica-announce-ip), or set masters.${master}.interface to the interface that address is on`,
        ),
      );
  }
  const bridges = [...offSegment].filter(([, ifname]) => isWellKnownBridge(ifname));
  if (bridges.length > 0)
    out.push(
      warn(
        check,
        `${bridges.map(([ip, ifname]) => `${ip} (${ifname})`).join(', ')}: a bridge address that other nodes likely have too; vipctl never takes it for this host (only addresses on the VIP's segment count)`,
        "make sure no Redis announces it: set replica-announce-ip to the host's address on the VIP's segment",
      ),
    );
  if (out.length === 0) out.push(pass(check, offSegment.size === 0 ? 'none' : `${[...offSegment.keys()].join(', ')}: none named by a Sentinel for ${master}, none on a well-known bridge`));
  return out;
}
