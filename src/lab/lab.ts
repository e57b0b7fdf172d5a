/**
 * The namespace lab: real redis-server and redis-sentinel processes on three
 * namespaced hosts plus a client host, vipctl wired in as Sentinel's
 * client-reconfig-script. Used by `vipctl lab`, the integration tests and the
 * benchmarks (one copy). Everything it creates is written to a state file as
 * it goes, so `down` removes it all even after a crash half-way through.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VipctlError } from '../core/errors';
import { isIp, normalizeIp } from '../core/address';
import { WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../core/watch/node-options';
import { parseIpJson } from '../adapters/ip';
import { running, startTime } from '../adapters/proc';
import { ok, run, type RunResult } from '../adapters/run';
import { buildLab } from './build';
import { failoverLab, healAll, healNode, setReplicaPriority, signalLabProcess, type FailoverHit } from './disrupt';
import { must, namespacePids } from './exec';
import { DEFAULT_TIMINGS, type LabTimings } from './files';
import { labHostName, netnsEtcDirs, ownNetnsEtcDirs, removeNetnsEtc } from './hostnames';
import { labMasters, redisFileStem, type LabMaster } from './masters';
import { keepalivedArgv } from './keepalived';
import { createLabDir, listLabIds, readLabState, writeLabState, type LabProcess, type LabState } from './state';
import { redisCliTlsArgs } from './tls';
import { allNamespaces, LAB_REDIS_PASSWORD, LAB_SENTINEL_PASSWORD, SENTINEL_PORT, topology, type FailoverKind, type LabHost, type LabMode, type Topology } from './topology';
import { waitFor } from './wait';

export type { FailoverKind, LabMode };
export { sleep, waitFor } from './wait';
export { namespacePids } from './exec';
export type { FailoverHit } from './disrupt';

export const DEFAULT_LAB_DIR = '/run/vipctl-lab';

export type { LabProcess };

export interface LabOptions {
  id?: string;
  baseDir?: string;
  /** What keeps the VIP on the master (see LAB_MODES); default `watch`. */
  mode?: LabMode;
  timings?: LabTimings;
  /** TLS-only Redis and Sentinels, certificates made at start-up (src/lab/tls.ts). */
  tls?: boolean;
  /** IPv6 addresses throughout (fd00::/64): Redis, Sentinel and the VIP. */
  ipv6?: boolean;
  /** How many masters the Sentinels monitor, each with its own VIP (src/lab/masters.ts); default 1. */
  masters?: number;
  /** Redis and Sentinel name the nodes by host name (src/lab/hostnames.ts). */
  hostnames?: boolean;
  /** Progress lines, printed as each step happens. */
  progress?: (step: string) => void;
  /**
   * The vipctl the lab runs (watchers, Sentinel's hook, lab.vipctl()), as an
   * argv prefix, e.g. `['chroot', ROOT, '/usr/bin/vipctl']` for an installed
   * package (the lab dir must then be visible at the same path inside ROOT).
   * Default: this tree's bin/vipctl, run by this node. Kept in this Lab
   * object only, not in the state file.
   */
  vipctl?: string[];
}

/** The repository root (where bin/vipctl is), from wherever this module was bundled or loaded. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vipctl') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the vipctl package root');
    dir = up;
  }
}

/** A shell script that execs `argv` with its own arguments: Sentinel's client-reconfig-script for LabOptions.vipctl. */
export function hookWrapper(argv: readonly string[]): string {
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# vipctl for this lab (LabOptions.vipctl)\nexec ${argv.map(quote).join(' ')} "$@"\n`;
}

export function randomLabId(): string {
  return Math.random().toString(36).slice(2, 10).replace(/[^a-z0-9]/g, 'x').padEnd(8, '0');
}

export class Lab {
  readonly topo: Topology;
  readonly dir: string;
  readonly hookPath: string;
  readonly configPath: string;
  /** The lab's masters: [mymaster] unless `--masters N`. */
  readonly masters: LabMaster[];
  private state: LabState;
  private readonly progress: (step: string) => void;
  /** LabOptions.vipctl; undefined: bin/vipctl. */
  private readonly command: readonly string[] | undefined;

  private constructor(state: LabState, progress?: (s: string) => void, command?: readonly string[]) {
    this.state = state;
    this.topo = topology(state.id, 3, state.ipv6 ? 6 : 4);
    this.dir = state.dir;
    this.command = command;
    // Sentinel runs one file as its client-reconfig-script: for a command, a wrapper that execs it
    this.hookPath = command ? join(this.dir, 'vipctl-hook') : join(repoRoot(), 'bin', 'vipctl');
    this.configPath = join(this.dir, 'vipctl.yaml');
    this.masters = labMasters(state.masters ?? 1, this.topo);
    this.progress = progress ?? (() => {});
  }

  get id(): string {
    return this.state.id;
  }

  get mode(): LabMode {
    return this.state.mode;
  }

  /** Where `lab up --tls` keeps its certificates; null for a plain lab. */
  get tlsDir(): string | null {
    return this.state.tls ? join(this.dir, 'tls') : null;
  }

  /** A lab left by `up` (this process or an earlier one), from its state file. */
  static load(id: string, baseDir = DEFAULT_LAB_DIR, progress?: (s: string) => void): Lab {
    // Only state provably our own (src/lab/state.ts): `down` kills and deletes what it names.
    return new Lab(readLabState(baseDir, id), progress);
  }

  static list(baseDir = DEFAULT_LAB_DIR): string[] {
    return listLabIds(baseDir);
  }

  static async up(options: LabOptions = {}): Promise<Lab> {
    if (options.ipv6 && options.mode === 'bash') throw new VipctlError('USAGE', 'lab up --ipv6: the classic bash hook (--mode bash) is IPv4-only');
    const id = options.id ?? randomLabId();
    const baseDir = options.baseDir ?? DEFAULT_LAB_DIR;
    const dir = createLabDir(baseDir, id); // checks id and base dir first; exclusive
    const lab = new Lab({ id, dir, mode: options.mode ?? 'watch', tls: options.tls === true, ...(options.ipv6 ? { ipv6: true } : {}), masters: labMasters(options.masters ?? 1).length, ...(options.hostnames ? { hostnames: true } : {}), createdAt: new Date().toISOString(), namespaces: [], pids: [] }, options.progress, options.vipctl);
    lab.save();
    if (options.vipctl) writeFileSync(lab.hookPath, hookWrapper(options.vipctl), { mode: 0o700 });
    try {
      await buildLab(lab, { record: (change) => lab.record(change), progress: lab.progress }, options.timings ?? DEFAULT_TIMINGS);
      return lab;
    } catch (e) {
      lab.progress(`lab up failed (${(e as Error).message}); tearing down`);
      await lab.down();
      throw e;
    }
  }

  private save(): void {
    writeLabState(this.state);
  }

  /** Change the state and write it at once (the build records each thing before it makes it). */
  private record(change: (state: LabState) => void): void {
    change(this.state);
    this.save();
  }

  nodeDir(host: LabHost): string {
    return join(this.dir, host.name);
  }

  /** Environment vipctl gets on a lab node (Sentinel passes its own to the hook). */
  nodeEnv(host: LabHost): Record<string, string> {
    return {
      VIPCTL_CONFIG: this.configPath,
      VIPCTL_RUN_DIR: join(this.nodeDir(host), 'run'),
      VIPCTL_LOG_FILE: this.logFile(host),
    };
  }

  logFile(host: LabHost): string {
    return join(this.nodeDir(host), 'vipctl.log');
  }

  host(name: string): LabHost {
    const h = [...this.topo.nodes, this.topo.client].find((n) => n.name === name);
    if (!h) throw new VipctlError('LAB', `no host ${name} in lab ${this.id}`);
    return h;
  }

  /** Whether Redis and Sentinel name the nodes by host name (`lab up --hostnames`). */
  get hostnames(): boolean {
    return this.state.hostnames === true;
  }

  /** The node an address or a lab host name (`lab up --hostnames`) stands for. */
  nodeByIp(ip: string): LabHost | undefined {
    const norm = isIp(ip) ? normalizeIp(ip) : ip;
    return this.topo.nodes.find((n) => n.ip === norm || labHostName(n) === ip);
  }

  private async spawnIn(host: LabHost, what: LabProcess, argv: string[], env: Record<string, string> = {}, index = 0): Promise<number> {
    // A process's own stdout/stderr go to <node dir>/<what>.out (redis and sentinel log to their files too).
    const out = openSync(join(this.nodeDir(host), `${what === 'redis' ? redisFileStem(this.master(index)) : what}.out`), 'a', 0o600);
    const child = spawn('ip', ['netns', 'exec', host.ns, ...argv], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...env },
    });
    closeSync(out);
    const pid = await new Promise<number>((res, rej) => {
      child.once('spawn', () => res(child.pid!));
      child.once('error', rej);
    });
    child.unref();
    this.state.pids = this.state.pids.filter((p) => !(p.host === host.name && p.what === what && (p.index ?? 0) === index));
    // with its start time: down kills this pid only while it is still this process
    this.state.pids.push({ host: host.name, what, pid, startTime: startTime(pid), ...(index ? { index } : {}) });
    this.save();
    return pid;
  }

  /** Master `index` of the lab (0: mymaster). */
  master(index = 0): LabMaster {
    const m = this.masters[index];
    if (!m) throw new VipctlError('LAB', `no master ${index} in lab ${this.id} (it has ${this.masters.length})`);
    return m;
  }

  async startRedis(n: LabHost, index = 0): Promise<number> {
    return this.spawnIn(n, 'redis', ['redis-server', join(this.nodeDir(n), `${redisFileStem(this.master(index))}.conf`)], {}, index);
  }

  async startSentinel(n: LabHost): Promise<number> {
    // Sentinel passes its environment to client-reconfig-script: this is how
    // each namespaced "host" gets its own log file and run dir.
    return this.spawnIn(n, 'sentinel', ['redis-sentinel', join(this.nodeDir(n), 'sentinel.conf')], this.mode === 'hook' || this.mode === 'both' ? this.nodeEnv(n) : {});
  }

  /** `vipctl watch` on a node, with the node's environment (its log file and run dir). */
  async startWatch(n: LabHost, args: string[] = []): Promise<number> {
    // The V8 flags and options of deploy/vipctl-watch.service: the lab runs the watcher as it is deployed.
    // (A given command, the package's single executable, sets the flags itself: src/sea.ts.)
    const vipctl = this.command ? [...this.command] : [process.execPath, ...WATCH_NODE_FLAGS, this.hookPath];
    return this.spawnIn(n, 'watch', [...vipctl, 'watch', ...args], { ...this.nodeEnv(n), NODE_OPTIONS: WATCH_NODE_OPTIONS });
  }

  /** keepalived (VRRP only, foreground) on a node, with the config src/lab/keepalived.ts wrote for it. */
  async startKeepalived(n: LabHost): Promise<number> {
    const dir = this.nodeDir(n);
    return this.spawnIn(n, 'keepalived', keepalivedArgv(dir));
  }

  /** Every process the lab started (redis-server, redis-sentinel), as recorded in its state file. */
  recordedPids(): number[] {
    return this.state.pids.map((p) => p.pid);
  }

  pidOf(host: LabHost, what: LabProcess, index = 0): number | undefined {
    return this.state.pids.find((p) => p.host === host.name && p.what === what && (p.index ?? 0) === index)?.pid;
  }

  /** Run argv inside a host's namespace. */
  exec(host: LabHost, argv: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
    const envArgs = options.env ? ['env', ...Object.entries(options.env).map(([k, v]) => `${k}=${v}`)] : [];
    return run(['ip', 'netns', 'exec', host.ns, ...envArgs, ...argv], { timeoutMs: options.timeoutMs ?? 10_000 });
  }

  /** bin/vipctl (or LabOptions.vipctl) on a node, with that node's environment. */
  vipctl(host: LabHost, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    return this.exec(host, [...(this.command ?? [this.hookPath]), ...args], { env: { ...this.nodeEnv(host), ...extraEnv }, timeoutMs: 30_000 });
  }

  /** redis-cli from the client host, authenticated (the password by the port: Sentinel's or Redis's). */
  redisCli(ip: string, port: number, args: string[], timeoutMs = 1000): Promise<RunResult> {
    const password = port === SENTINEL_PORT ? LAB_SENTINEL_PASSWORD : LAB_REDIS_PASSWORD;
    const tls = this.tlsDir ? redisCliTlsArgs(this.tlsDir) : [];
    return this.exec(this.topo.client, ['redis-cli', ...tls, '-h', ip, '-p', String(port), '--raw', ...args], { timeoutMs, env: { REDISCLI_AUTH: password } });
  }

  async sentinelMasterInfo(n: LabHost, index = 0): Promise<Record<string, string> | null> {
    const r = await this.redisCli(n.ip, SENTINEL_PORT, ['SENTINEL', 'MASTER', this.master(index).name]);
    if (!ok(r) || !r.stdout) return null;
    const lines = r.stdout.split('\n');
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i]!] = lines[i + 1]!;
    return out;
  }

  /** Every master one Sentinel monitors (`SENTINEL MASTERS`, JSON through RESP3), field by field; [] when it does not answer. */
  async sentinelMastersInfo(n: LabHost): Promise<Array<Record<string, string>>> {
    const r = await this.redisCli(n.ip, SENTINEL_PORT, ['-3', '--json', 'SENTINEL', 'MASTERS'], 2000);
    if (!ok(r)) return [];
    try {
      const v = JSON.parse(r.stdout) as unknown;
      return Array.isArray(v) ? (v as Array<Record<string, string>>) : [];
    } catch {
      return [];
    }
  }

  /** Where the Sentinels say master `index` is: the address a majority of reachable ones agree on. */
  async sentinelMaster(index = 0): Promise<LabHost | null> {
    const answers = await Promise.all(
      this.topo.nodes.map(async (n) => {
        const r = await this.redisCli(n.ip, SENTINEL_PORT, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.master(index).name], 500);
        return ok(r) ? r.stdout.split('\n')[0] : undefined;
      }),
    );
    const counts = new Map<string, number>();
    for (const a of answers) if (a) counts.set(a, (counts.get(a) ?? 0) + 1);
    const best = [...counts.entries()].find(([, c]) => c * 2 > this.topo.nodes.length);
    return best ? (this.nodeByIp(best[0]) ?? null) : null;
  }

  /**
   * Wait until the cluster is quiet: every Sentinel names the same master, it
   * answers ROLE as master with every other node linked and online, and (when
   * something keeps the VIP) the VIP is on that master only. Returns the master.
   */
  async waitSettled(timeoutMs = 30_000, index = 0): Promise<LabHost> {
    const t = this.topo;
    const m = this.master(index);
    return waitFor(`a settled cluster (one master ${m.name} named by every Sentinel, replicas online, the VIP on it)`, async () => {
      const named = await Promise.all(t.nodes.map(async (n) => (await this.redisCli(n.ip, SENTINEL_PORT, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', m.name], 500)).stdout.split('\n')[0]));
      const master = this.nodeByIp(named[0] ?? '');
      if (!master || named.some((x) => this.nodeByIp(x ?? '') !== master) || (await this.redisRole(master, index)) !== 'master') return null;
      const info = (await this.redisCli(master.ip, m.port, ['INFO', 'replication'])).stdout;
      if ((info.match(/state=online/g) ?? []).length !== t.nodes.length - 1) return null;
      const views = await Promise.all(t.nodes.map((n) => this.sentinelMasterInfo(n, index)));
      if (!views.every((v) => v && v['num-slaves'] === String(t.nodes.length - 1) && v.flags === 'master')) return null;
      if (this.mode === 'none') return master;
      const holders = await this.vipHolders(index);
      return holders.length === 1 && holders[0] === master ? master : null;
    }, timeoutMs, 100);
  }

  /** Role as Redis itself reports it (INFO replication), or null when it does not answer. */
  async redisRole(n: LabHost, index = 0): Promise<'master' | 'slave' | null> {
    const r = await this.redisCli(n.ip, this.master(index).port, ['ROLE'], 300);
    const role = ok(r) ? r.stdout.split('\n')[0] : undefined;
    return role === 'master' || role === 'slave' ? role : null;
  }

  /** Nodes that have master `index`'s VIP bound right now. */
  async vipHolders(index = 0): Promise<LabHost[]> {
    return (await this.allVipHolders())[index] ?? [];
  }

  /** For every master (by index), the nodes holding its VIP now: one `ip addr show` per node. */
  async allVipHolders(): Promise<LabHost[][]> {
    const addrs = await Promise.all(
      this.topo.nodes.map(async (n) => {
        const r = await run(['ip', '-n', n.ns, '-json', 'addr', 'show']);
        return new Set(ok(r) ? parseIpJson(r.stdout).flatMap((l) => l.addresses.map((a) => a.address)) : []);
      }),
    );
    return this.masters.map((m) => this.topo.nodes.filter((_, i) => addrs[i]!.has(m.vip)));
  }

  async macOf(host: LabHost): Promise<string> {
    const r = await must(['ip', '-n', host.ns, '-json', 'link', 'show', host.ifname]);
    return (JSON.parse(r.stdout) as Array<{ address: string }>)[0]!.address;
  }

  /** The client's ARP cache entry for the VIP (MAC), without sending anything. */
  async clientNeighbourMac(ip = this.topo.vip): Promise<string | null> {
    const r = await must(['ip', '-n', this.topo.client.ns, '-json', 'neigh', 'show', ip]);
    const e = (JSON.parse(r.stdout) as Array<{ lladdr?: string }>)[0];
    return e?.lladdr ?? null;
  }

  /** Disturb the current master (src/lab/disrupt.ts). Returns the node hit and when (epoch ms). */
  failover(kind: FailoverKind, index = 0): Promise<FailoverHit> {
    return failoverLab(this, kind, index);
  }

  /** Pause (SIGSTOP) one of a node's processes: its redis-server (default), its Sentinel or its watcher. Returns the pid. */
  pause(node: LabHost, what: 'redis' | 'sentinel' | 'watch' = 'redis', index = 0): number {
    return signalLabProcess(this, node, what, 'SIGSTOP', index);
  }

  /** Resume (SIGCONT) what pause() stopped. Returns the pid. */
  resume(node: LabHost, what: 'redis' | 'sentinel' | 'watch' = 'redis', index = 0): number {
    return signalLabProcess(this, node, what, 'SIGCONT', index);
  }

  /** SIGKILL one of a node's processes (restart it with startRedis, startSentinel or startWatch). Returns the pid. */
  kill(node: LabHost, what: 'redis' | 'sentinel' | 'watch', index = 0): number {
    return signalLabProcess(this, node, what, 'SIGKILL', index);
  }

  /** `replica-priority` of a node's Redis (0: Sentinel never promotes it), once every Sentinel has seen it. */
  setReplicaPriority(node: LabHost, priority: number, index = 0): Promise<void> {
    return setReplicaPriority(this, node, priority, index);
  }

  /** Undo every failover's damage on every node: a line per node that needed it. */
  healAll(): Promise<string[]> {
    return healAll(this);
  }

  /** Undo a failover's damage on a node (link up, SIGCONT, restart a killed redis). Says what it did. */
  heal(node: LabHost): Promise<string[]> {
    return healNode(this, node);
  }

  /** Remove every process and namespace this lab made. Safe to call twice, and after a crash. */
  async down(): Promise<void> {
    // Namespaces named for this lab's id only, never names read from the state file.
    const namespaces = allNamespaces(this.topo);
    const existing = new Set((await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]));
    // A recorded pid only while it is the process we started (same start time): pids get reused.
    const pids = new Set(this.state.pids.filter((p) => p.startTime !== null && startTime(p.pid) === p.startTime).map((p) => p.pid));
    for (const ns of namespaces) {
      if (!existing.has(ns)) continue;
      // Everything running in our namespaces is ours: redis, sentinel, hooks, arping.
      for (const p of await namespacePids(ns)) pids.add(p);
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await waitFor('lab processes to exit', async () => [...pids].every((p) => !running(p)), 5000, 20).catch(() => undefined);
    for (const ns of namespaces) if (existing.has(ns)) await run(['ip', 'netns', 'del', ns]);
    // exactly the directories the state says this lab made (a state file from before the list: the lab's own, by name)
    if (this.hostnames) removeNetnsEtc(ownNetnsEtcDirs(this.state.netnsEtc ?? netnsEtcDirs(this.topo), namespaces), this.state.madeNetnsEtc === true);
    rmSync(this.dir, { recursive: true, force: true });
    try {
      rmdirSync(dirname(this.dir)); // the state folder too, once no lab is left in it
    } catch {
      /* other labs still there */
    }
    this.progress(`lab ${this.id} down: ${namespaces.filter((n) => existing.has(n)).length} namespaces and ${pids.size} processes removed`);
  }
}
