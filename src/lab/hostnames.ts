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
 * its own namespaces only, refuses one that exists already, records each in
 * its state before writing into it, and `lab down` removes exactly those (and
 * /etc/netns itself when the lab created it and it is empty).
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

/** Create /etc/netns when missing; returns whether it was created here (recorded before any directory under it is made). */
export function ensureNetnsEtc(): boolean {
  if (existsSync(NETNS_ETC)) return false;
  mkdirSync(NETNS_ETC, { recursive: true, mode: 0o755 });
  return true;
}

/**
 * Make one namespace's directory, exclusively (never write into a directory
 * the lab did not make: it throws when `dir` is there already), and call
 * `made` before writing its hosts and resolv.conf, so the lab's state names
 * the directory before anything is in it.
 */
export function writeNetnsEtcDir(dir: string, hosts: string, made: (dir: string) => void): void {
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (e) {
    throw new VipctlError('LAB', `lab up --hostnames: cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  made(dir);
  writeFileSync(join(dir, 'hosts'), hosts, { mode: 0o644, flag: 'wx' });
  writeFileSync(join(dir, 'resolv.conf'), LAB_RESOLV_CONF, { mode: 0o644, flag: 'wx' });
}

/**
 * The directories a lab's state says it made, checked: each must be
 * /etc/netns/<one of the lab's namespaces> (state files are root's, but
 * `lab down` deletes what this returns). Pure.
 */
export function ownNetnsEtcDirs(recorded: readonly string[], namespaces: readonly string[]): string[] {
  const allowed = new Set(namespaces.map((ns) => join(NETNS_ETC, ns)));
  return recorded.filter((d) => allowed.has(d));
}

/** Remove exactly the directories given (what the lab made), and /etc/netns when the lab made it and it is empty now. Safe to call twice. */
export function removeNetnsEtc(dirs: readonly string[], madeRoot: boolean): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (!madeRoot) return;
  try {
    rmdirSync(NETNS_ETC);
  } catch {
    /* not empty: another lab or something else uses it now */
  }
}
