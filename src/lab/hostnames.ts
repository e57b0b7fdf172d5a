/**
 * `lab up --hostnames`: the lab's Redis and Sentinels name the nodes by host
 * name, as a cluster with `sentinel resolve-hostnames yes` and
 * `sentinel announce-hostnames yes` does: Sentinel monitors `n1.vipctl-lab`,
 * replicas announce their names (`replica-announce-ip`), and the hook's
 * arguments, the events and SENTINEL's replies carry names, not addresses.
 *
 * The names are served to each of the lab's namespaces by
 * `/etc/netns/<ns>/hosts`, which `ip netns exec` bind-mounts over /etc/hosts
 * (with a resolv.conf that names no server but the namespace's own loopback:
 * no DNS query ever leaves the lab). The lab creates `/etc/netns/<ns>` for
 * its own namespaces only, refuses one that exists already, and `lab down`
 * removes them (and /etc/netns itself when the lab created it and it is empty).
 */
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VipctlError } from '../core/errors';
import { allNamespaces, type LabHost, type Topology } from './topology';

export const NETNS_ETC = '/etc/netns';
export const LAB_DOMAIN = 'vipctl-lab';
/** A name the lab's hosts files map to 127.0.1.1, as Debian maps a host's own name: no single host, vipctl must refuse it. */
export const LAB_LOOPBACK_NAME = `self.${LAB_DOMAIN}`;

export function labHostName(h: Pick<LabHost, 'name'>): string {
  return `${h.name}.${LAB_DOMAIN}`;
}

/** The hosts file of every lab namespace. Pure. */
export function labHostsFile(t: Topology): string {
  return [
    '# vipctl lab: the lab hosts by name (lab up --hostnames)',
    '127.0.0.1 localhost',
    '::1 localhost',
    ...[...t.nodes, t.client].map((h) => `${h.ip} ${labHostName(h)}`),
    `127.0.1.1 ${LAB_LOOPBACK_NAME}`,
    '',
  ].join('\n');
}

/** No DNS server: a name the hosts file lacks fails at once, inside the namespace. */
export const LAB_RESOLV_CONF = '# vipctl lab: no DNS server (names come from the hosts file)\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n';

/** The directories `lab up --hostnames` creates: one per lab namespace, named for the lab's id (never read from a file). */
export function netnsEtcDirs(t: Topology): string[] {
  return allNamespaces(t).map((ns) => join(NETNS_ETC, ns));
}

/** Write every namespace's hosts and resolv.conf; returns whether /etc/netns itself was created. Throws when a directory is already there. */
export function writeNetnsEtc(t: Topology): boolean {
  const madeRoot = !existsSync(NETNS_ETC);
  mkdirSync(NETNS_ETC, { recursive: true, mode: 0o755 });
  const hosts = labHostsFile(t);
  for (const dir of netnsEtcDirs(t)) {
    try {
      mkdirSync(dir, { mode: 0o755 }); // exclusive: never write into a directory the lab did not make
    } catch (e) {
      throw new VipctlError('LAB', `lab up --hostnames: cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    writeFileSync(join(dir, 'hosts'), hosts, { mode: 0o644, flag: 'wx' });
    writeFileSync(join(dir, 'resolv.conf'), LAB_RESOLV_CONF, { mode: 0o644, flag: 'wx' });
  }
  return madeRoot;
}

/** Remove what writeNetnsEtc made. Safe to call twice. */
export function removeNetnsEtc(t: Topology, madeRoot: boolean): void {
  for (const dir of netnsEtcDirs(t)) rmSync(dir, { recursive: true, force: true });
  if (!madeRoot) return;
  try {
    rmdirSync(NETNS_ETC);
  } catch {
    /* not empty: another lab or something else uses it now */
  }
}
