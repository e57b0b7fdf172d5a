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
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor, type Lab } from '../../src/lab/lab';

/** The helper's socket for a lab node: <dir>/<node>.sock (a directory redis may enter; the lab's node dirs are 0700). */
export const helperSocket = (dir: string, node: Lab['topo']['nodes'][number]): string => join(dir, `${node.name}.sock`);

/**
 * The lab's vipctl argv: Sentinel's hook as `redis` without capabilities,
 * through vipctl-hook, its stderr kept in <capsDir>/<node>.<pid>.err; anything else as root.
 */
export function unprivilegedHookArgv(root: string, capsDir: string, socketDir: string): string[] {
  const script = [
    'if [ "$#" -ne 7 ]; then exec /usr/bin/vipctl "$@"; fi',
    'node=$(basename "${VIPCTL_RUN_DIR%/run}")',
    `caps=${capsDir}/$node.$$`,
    // no capability in any set; the status lines are the very process that becomes vipctl-hook (exec keeps the pid)
    `exec setpriv --reuid=redis --regid=redis --init-groups --inh-caps=-all --bounding-set=-all env VIPCTL_HOOK_SOCKET="${socketDir}/$node.sock" ` +
      `sh -c 'exec 2>>"$0.err"; grep -E "^(Uid|NoNewPrivs|Cap[A-Za-z]+):" /proc/self/status > "$0"; exec /usr/lib/vipctl/vipctl-hook "$@"' "$caps" "$@"`,
  ].join('\n');
  return ['chroot', root, 'sh', '-c', script, 'vipctl-lab-dispatch'];
}

/** Start the helper on every node; returns the processes (stop them with stopHelpers). */
export async function startHelpers(lab: Lab, root: string, redisGid: number, socketDir: string): Promise<ChildProcess[]> {
  const out: ChildProcess[] = [];
  for (const n of lab.topo.nodes) {
    const sock = helperSocket(socketDir, n);
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
  for (const name of readdirSync(capsDir).filter((f) => !f.endsWith('.err'))) {
    const fields: Record<string, string> = {};
    for (const line of readFileSync(join(capsDir, name), 'utf8').split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    out.set(name, fields);
  }
  return out;
}

/** What the hooks wrote on stderr, per run (for a failure's message). */
export function hookErrors(capsDir: string): string {
  return readdirSync(capsDir).filter((f) => f.endsWith('.err')).map((f) => `${f}: ${readFileSync(join(capsDir, f), 'utf8')}`).join('\n');
}

/** Fresh directories under `dir`: one every user may add files to (sticky) for the hook's records, one for the helpers' sockets. */
export function hookDirsIn(dir: string): { capsDir: string; socketDir: string } {
  const capsDir = join(dir, 'hook-caps');
  const socketDir = join(dir, 'hook-sockets');
  for (const d of [capsDir, socketDir]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true, mode: 0o755 });
  }
  chmodSync(capsDir, 0o1777);
  return { capsDir, socketDir };
}

/** The system calls of a systemd set such as @system-service, groups expanded (systemd-analyze syscall-filter). */
export function syscallSet(set: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(set)) return out;
  seen.add(set);
  const text = execFileSync('systemd-analyze', ['syscall-filter', set], { encoding: 'utf8' });
  for (const raw of text.split('\n').slice(1)) {
    const name = raw.trim();
    if (!name || name.startsWith('#')) continue;
    if (name.startsWith('@')) for (const n of syscallSet(name, seen)) out.add(n);
    else out.add(name);
  }
  return out;
}

/** What Debian's unit plus the package's drop-in allow: @system-service minus @privileged @resources, plus the drop-in's SystemCallFilter line. */
export function packageDropInSyscalls(dropIn: string): Set<string> {
  const extra = /^SystemCallFilter=(.*)$/m.exec(dropIn)![1]!.split(/\s+/);
  const set = syscallSet('@system-service');
  for (const s of ['@privileged', '@resources']) for (const n of syscallSet(s)) set.delete(n);
  for (const e of extra) for (const n of e.startsWith('@') ? syscallSet(e) : [e]) set.add(n);
  return set;
}
