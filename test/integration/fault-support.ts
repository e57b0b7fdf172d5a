/**
 * Helpers of the fault suite (fault-*.root.test.ts): run vipctl inside a
 * private mount namespace of its own (`unshare -m`, private propagation),
 * where a small full tmpfs holds its log file or a script is bound over
 * `ip`. Nothing is mounted in the root namespace: the mounts die with the
 * process. The processes run in a lab node's network namespace, so
 * lab.down() kills any of them a test leaves.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../src/adapters/run';
import { resolveTool } from '../../src/adapters/system';
import { countLost } from '../../src/lab/lost-writes';
import { WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../../src/core/watch/node-options';
import type { Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { LAB_REDIS_PASSWORD } from '../../src/lab/topology';
import { parseLog } from './support';
import { INCR_CLIENT } from './watch-support';

/** A shell line that runs "$@" in a fresh private mount namespace after `setup` (sh commands). */
export function inPrivateMounts(setup: string, argv: readonly string[]): string[] {
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-ec', `${setup}\nexec "$@"`, 'sh', ...argv];
}

/** sh lines: a tmpfs of 64 KiB at `dir` (root's, 0750: a log directory vipctl accepts), the log file created, then filled up. */
export function fullTmpfs(dir: string, options: { readOnly?: boolean } = {}): string {
  const base = `mkdir -p ${dir}\nmount -t tmpfs -o size=64k,mode=0750 vipctl-fault ${dir}\n: > ${dir}/vipctl.log\nhead -c 1048576 /dev/zero > ${dir}/fill 2>/dev/null || true`;
  return options.readOnly ? `${base}\nrm -f ${dir}/fill\nmount -o remount,ro ${dir}` : base;
}

/** The file `ip` resolves to (system.ts: /usr/sbin/ip, a symlink here): a bind mount must cover the file itself. */
export function realIpPath(): string {
  return realpathSync(resolveTool('ip'));
}

/**
 * A root-owned 0755 wrapper to bind over `ip` (system.ts accepts it as ip):
 * while `<dir>/hang` exists every call hangs (sh waiting on a sleep child,
 * so killing sh alone would leave the sleep); while `<dir>/hang-after-add`
 * exists, `ip addr add` does its work, then hangs. Else the real ip (a copy
 * in `dir`) runs. Returns the wrapper's path and the sleep's marker argv.
 */
export function ipWrapper(dir: string): { path: string; sleepArgv: string[]; hangAll: string; hangAfterAdd: string } {
  const real = join(dir, 'ip.real');
  copyFileSync(realIpPath(), real);
  chmodSync(real, 0o755);
  const path = join(dir, 'ip-wrapper.sh');
  const hangAll = join(dir, 'hang');
  const hangAfterAdd = join(dir, 'hang-after-add');
  writeFileSync(
    path,
    `#!/bin/sh
# vipctl fault suite: an ip that hangs on demand
if [ -e ${hangAll} ]; then sleep 86399; exit 1; fi
${real} "$@"
rc=$?
case " $* " in *" addr add "*) if [ -e ${hangAfterAdd} ]; then sleep 86399; fi ;; esac
exit $rc
`,
    { mode: 0o755 },
  );
  return { path, sleepArgv: ['sleep', '86399'], hangAll, hangAfterAdd };
}

/** sh line binding `wrapper` over the real ip file (private namespace only). */
export function bindOverIp(wrapper: string): string {
  return `mount --bind ${wrapper} ${realIpPath()}`;
}

/** `vipctl watch` on a node under `setup` (private mounts), its stdout/stderr to `<node dir>/<name>.out`. Returns its pid (the exec chain keeps it). */
export async function startWatchIn(lab: Lab, n: LabHost, setup: string, name: string, env: Record<string, string> = {}): Promise<number> {
  const out = openSync(join(lab.nodeDir(n), `${name}.out`), 'a', 0o600);
  const argv = inPrivateMounts(setup, [process.execPath, ...WATCH_NODE_FLAGS, lab.hookPath, 'watch']);
  const child = spawn('ip', ['netns', 'exec', n.ns, ...argv], { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...lab.nodeEnv(n), NODE_OPTIONS: WATCH_NODE_OPTIONS, ...env } });
  closeSync(out);
  const pid = await new Promise<number>((res, rej) => {
    child.once('spawn', () => res(child.pid!));
    child.once('error', rej);
  });
  child.unref();
  return pid;
}

/** The JSON lines of a `.out` file (stderr of a watcher), skipping anything that is not one. */
export function outLines(lab: Lab, n: LabHost, name: string): Array<Record<string, unknown>> {
  const f = join(lab.nodeDir(n), `${name}.out`);
  if (!existsSync(f)) return [];
  return tolerant(readFileSync(f, 'utf8'));
}

export function tolerant(text: string): Array<Record<string, unknown>> {
  return text.split('\n').flatMap((l) => {
    try {
      return l.trim().startsWith('{') ? parseLog(l) : [];
    } catch {
      return [];
    }
  });
}

/** The hook on a node as Sentinel would run it, under `setup` (private mounts). */
export function hookIn(lab: Lab, n: LabHost, setup: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return lab.exec(n, inPrivateMounts(setup, [process.execPath, lab.hookPath, ...args]), { env: { ...lab.nodeEnv(n), ...env }, timeoutMs: 90_000 });
}

/** A client INCRing through the VIP every 5 ms; `stop()` ends it and returns the acknowledged replies. */
export function incrClient(lab: Lab, key: string): { replies: () => Array<{ t: number; v: number }>; stop: () => Promise<Array<{ t: number; v: number }>> } {
  const client = spawn('ip', ['netns', 'exec', lab.topo.client.ns, 'env', `REDIS_PASSWORD=${LAB_REDIS_PASSWORD}`, process.execPath, INCR_CLIENT, lab.topo.vip, '6379', key, '5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  client.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const closed = new Promise((r) => client.once('close', r));
  const replies = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { t?: number; v?: number })
      .filter((r): r is { t: number; v: number } => r.v !== undefined);
  return {
    replies,
    stop: async () => {
      client.kill('SIGTERM');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
      client.kill('SIGKILL');
      return replies();
    },
  };
}

/** Acknowledged INCR replies not above every earlier one: writes acknowledged and then lost (src/lab/lost-writes.ts). */
export function lostWrites(values: readonly number[]): number {
  let highest = -Infinity;
  let lost = 0;
  for (const v of values) {
    lost += countLost(highest, v);
    highest = Math.max(highest, v);
  }
  return lost;
}
