/** doctor's network-setting checks (src/core/doctor-net.ts judges): ARP sysctls, ip_nonlocal_bind against Redis's bind, SELinux. */
import { readFileSync } from 'node:fs';
import { inSubnet } from '../core/address';
import { listenAddresses, type CheckResult } from '../core/doctor';
import { judgeArpSysctls, judgeNonlocalBind, judgeSelinux } from '../core/doctor-net';
import { localAddresses, resolveInterface } from '../core/local';
import { localRedisTarget } from '../core/local-redis';
import { joinHostPort } from '../core/sentinel-view';
import { listeningSockets } from '../adapters/host';
import { configGet } from '../adapters/redis-client';
import { sentinelsMasterAddress, type DoctorContext } from './checks';

/** A number from a /proc or /sys file; null when it cannot be read. */
function readNumber(path: string): number | null {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** /proc/sys/net/ipv4/conf/<ifname>/<key>: a name from `ip`, never a path of ours to climb out of. */
const confPath = (ifname: string, key: string) => `/proc/sys/net/ipv4/conf/${ifname.replace(/[/.]/g, '_')}/${key}`;

export async function checkArpSysctls(ctx: DoctorContext): Promise<CheckResult[]> {
  const { config, links } = ctx;
  if (!config || !links) return [];
  const out: CheckResult[] = [];
  for (const m of config.masters.values()) {
    if (m.vip.family !== 4) continue;
    let ifname: string;
    try {
      ifname = resolveInterface(m, links);
    } catch {
      continue; // the interface check says why
    }
    const vip = m.vip.address;
    const sameSubnet = links.filter((l) => l.up && l.ifname !== ifname && l.addresses.some((a) => a.address !== vip && inSubnet(vip, a.address, a.prefix))).map((l) => l.ifname);
    out.push(
      judgeArpSysctls(vip, {
        ifname,
        ignore: { all: readNumber(confPath('all', 'arp_ignore')), iface: readNumber(confPath(ifname, 'arp_ignore')) },
        announce: { all: readNumber(confPath('all', 'arp_announce')), iface: readNumber(confPath(ifname, 'arp_announce')) },
        sameSubnet,
      }),
    );
  }
  return out;
}

export async function checkNonlocalBind(ctx: DoctorContext): Promise<CheckResult[]> {
  const { config, links } = ctx;
  if (!config || !links) return [];
  const local = localAddresses(links, [...config.masters.values()].map((m) => m.vip.address));
  const out: CheckResult[] = [];
  const ss = await listeningSockets(false);
  for (const m of config.masters.values()) {
    const at = await sentinelsMasterAddress(ctx, config, m.name);
    if (at === null || !Number.isInteger(at.port)) continue; // the Sentinel checks say why
    if (ss !== null && listenAddresses(ss, at.port).length === 0) continue; // no Redis here (a Sentinel-only host)
    const onIface = links.flatMap((l) => l.addresses.filter((a) => local.has(a.address) && inSubnet(m.vip.address, a.address, a.prefix)).map((a) => a.address));
    const target = localRedisTarget(joinHostPort(at.ip, at.port), [], local, onIface);
    if (target === null) continue;
    const bind = await configGet(config, target, 'bind');
    const words = bind.ok ? bind.value.trim().split(/\s+/).filter(Boolean) : null;
    out.push(judgeNonlocalBind(m.vip.address, m.vip.family, words, readNumber(`/proc/sys/net/ipv${m.vip.family}/ip_nonlocal_bind`), bind.ok ? undefined : bind.error));
  }
  return out;
}

export async function checkSelinux(): Promise<CheckResult[]> {
  return [judgeSelinux(readText('/sys/fs/selinux/enforce'))];
}
