/**
 * The package's hook without capabilities, in the lab, for package.root.test.ts:
 * - the helper per node: what vipctl-hook.socket + vipctl-hook@.service do
 *   under systemd (Accept=yes, StandardInput=socket), done by
 *   systemd-socket-activate --accept --inetd in the node's namespace, running
 *   the root's `/usr/lib/vipctl/vipctl-hook --serve` with the node's environment;
 *   its socket root:redis 0660 as the socket unit makes it;
 * - Sentinel's side: the lab's client-reconfig-script drops to the root's
 *   `redis` user with no capability at all (setpriv: no inheritable, ambient
 *   or bounding capabilities, as under Debian's unit without AmbientCapabilities),
 *   writes its /proc/self/status capability lines to a file, then execs
 *   vipctl-hook in the same process; every other command runs /usr/bin/vipctl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor, type Lab } from '../../src/lab/lab';

/** The helper's socket for a lab node (inside the node's dir, which the root sees at the same path). */
export const helperSocket = (lab: Lab, node: Lab['topo']['nodes'][number]): string => join(lab.nodeDir(node), 'hook.sock');

/** The lab's vipctl argv: Sentinel's hook as `redis` without capabilities, through vipctl-hook; anything else as root. */
export function unprivilegedHookArgv(root: string, capsDir: string): string[] {
  const script = [
    'if [ "$#" -ne 7 ]; then exec /usr/bin/vipctl "$@"; fi',
    'node_dir=${VIPCTL_RUN_DIR%/run}',
    `caps=${capsDir}/$(basename "$node_dir").$$`,
    // no capability in any set; the status lines are the very process that becomes vipctl-hook (exec keeps the pid)
    'exec setpriv --reuid=redis --regid=redis --init-groups --inh-caps=-all --bounding-set=-all env VIPCTL_HOOK_SOCKET="$node_dir/hook.sock" ' +
      `sh -c 'grep -E "^(Uid|NoNewPrivs|Cap[A-Za-z]+):" /proc/self/status > "$0"; exec /usr/lib/vipctl/vipctl-hook "$@"' "$caps" "$@"`,
  ].join('\n');
  return ['chroot', root, 'sh', '-c', script, 'vipctl-lab-dispatch'];
}

/** Start the helper on every node; returns the processes (stop them with stopHelpers). */
export async function startHelpers(lab: Lab, root: string, redisGid: number): Promise<ChildProcess[]> {
  const out: ChildProcess[] = [];
  for (const n of lab.topo.nodes) {
    const sock = helperSocket(lab, n);
    const env = Object.entries(lab.nodeEnv(n)).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
    const child = spawn('ip', ['netns', 'exec', n.ns, 'systemd-socket-activate', '--accept', '--inetd', '-l', sock, ...env, 'chroot', root, '/usr/lib/vipctl/vipctl-hook', '--serve'], { stdio: ['ignore', 'ignore', 'inherit'] });
    out.push(child);
    await waitFor(`the hook helper's socket on ${n.name}`, async () => existsSync(sock), 10_000, 20);
    chownSync(sock, 0, redisGid);
    chmodSync(sock, 0o660);
  }
  return out;
}

export function stopHelpers(helpers: ChildProcess[]): void {
  for (const h of helpers) if (h.pid !== undefined && h.exitCode === null) h.kill('SIGTERM');
}

/** The capability lines each hook run recorded: file name (node.pid) -> { Uid, CapEff, ... }. */
export function hookCaps(capsDir: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const name of readdirSync(capsDir)) {
    const fields: Record<string, string> = {};
    for (const line of readFileSync(join(capsDir, name), 'utf8').split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    out.set(name, fields);
  }
  return out;
}

/** A directory every user may add files to (sticky), for the unprivileged hook's records. */
export function capsDirIn(dir: string): string {
  const d = join(dir, 'hook-caps');
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o1777);
  return d;
}
