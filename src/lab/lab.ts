/**
 * The namespace lab: real redis-server and redis-sentinel processes on three
 * namespaced hosts plus a client host, vipctl wired in as Sentinel's
 * client-reconfig-script. Used by `vipctl lab`, the integration tests and the
 * benchmarks (one copy). Everything it creates is written to a state file as
 * it goes, so `down` removes it all even after a crash half-way through.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VipctlError } from '../core/errors';
import { WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../core/watch/node-options';
import { ensureNetnsEtc, labHostName, labHostsFile, NETNS_ETC, netnsEtcDirs, ownNetnsEtcDirs, removeNetnsEtc, writeNetnsEtcDir } from './hostnames';
import { run, ok, describeFailure, type RunResult } from '../adapters/run';
import { parseIpJson } from '../adapters/ip';
import { processState, running, startTime } from '../adapters/proc';
import { bashHookScript, DEFAULT_TIMINGS, redisConf, sentinelConf, vipctlYaml, type LabTimings } from './files';
import { makeLabCerts, redisCliTlsArgs } from './tls';
import { hostAddrArgv, noDadArgv } from './ipv6';
import { isIp, normalizeIp } from '../core/address';
import { createLabDir, listLabIds, readLabState, writeLabState, type LabProcess, type LabState } from './state';
import { initialNode, labMasters, redisFileStem, type LabMaster } from './masters';
import { allNamespaces, LAB_MASTER_NAME, LAB_REDIS_PASSWORD, LAB_SENTINEL_PASSWORD, REDIS_PORT, SENTINEL_PORT, topology, type FailoverKind, type LabHost, type LabMode, type Topology } from './topology';

export type { FailoverKind, LabMode };

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
}

/** Every process running in a network namespace (`ip netns pids`). */
export async function namespacePids(ns: string): Promise<number[]> {
  return (await run(['ip', 'netns', 'pids', ns])).stdout.split('\n').filter((p) => /^\d+$/.test(p)).map(Number);
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

export function randomLabId(): string {
  return Math.random().toString(36).slice(2, 10).replace(/[^a-z0-9]/g, 'x').padEnd(8, '0');
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new VipctlError('LAB', `timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Wait until `check` holds for every item, probing at most `limit` at a time (each probe is a process). */
async function waitEach<T>(items: readonly T[], what: (x: T) => string, check: (x: T) => Promise<boolean>, timeoutMs: number, limit = 8): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...items];
  while (pending.length > 0) {
    const batch = pending.slice(0, limit);
    const done = await Promise.all(batch.map(check));
    pending = [...batch.filter((_, i) => !done[i]), ...pending.slice(limit)];
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new VipctlError('LAB', `timed out after ${timeoutMs} ms waiting for ${what(pending[0]!)}`);
    if (done.every((d) => !d)) await sleep(50);
  }
}

async function must(argv: string[], timeoutMs = 10_000): Promise<RunResult> {
  const r = await run(argv, { timeoutMs });
  if (!ok(r)) throw new VipctlError('LAB', describeFailure(r));
  return r;
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

  private constructor(state: LabState, progress?: (s: string) => void) {
    this.state = state;
    this.topo = topology(state.id, 3, state.ipv6 ? 6 : 4);
    this.dir = state.dir;
    this.hookPath = join(repoRoot(), 'bin', 'vipctl');
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
    const lab = new Lab({ id, dir, mode: options.mode ?? 'watch', tls: options.tls === true, ...(options.ipv6 ? { ipv6: true } : {}), masters: labMasters(options.masters ?? 1).length, ...(options.hostnames ? { hostnames: true } : {}), createdAt: new Date().toISOString(), namespaces: [], pids: [] }, options.progress);
    lab.save();
    try {
      await lab.build(options.timings ?? DEFAULT_TIMINGS);
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

  private async build(timings: LabTimings): Promise<void> {
    const t = this.topo;
    const hosts = [...t.nodes, t.client];
    this.progress(`creating namespaces ${allNamespaces(t).join(', ')}`);
    for (const ns of allNamespaces(t)) {
      await must(['ip', 'netns', 'add', ns]);
      this.state.namespaces.push(ns);
      this.save();
      if (t.family === 6) await must(noDadArgv(ns));
    }
    if (this.hostnames) {
      // before any process starts: `ip netns exec` mounts these files at exec time
      this.state.madeNetnsEtc = ensureNetnsEtc();
      this.state.netnsEtc = [];
      this.save();
      const hostsFile = labHostsFile(t);
      for (const dir of netnsEtcDirs(t)) {
        writeNetnsEtcDir(dir, hostsFile, (made) => {
          this.state.netnsEtc!.push(made);
          this.save();
        });
      }
      this.progress(`host names: ${[...t.nodes, t.client].map((h) => `${labHostName(h)}=${h.ip}`).join(' ')} (${NETNS_ETC}/<ns>/hosts)`);
    }
    await must(['ip', '-n', t.switchNs, 'link', 'add', t.bridge, 'type', 'bridge']);
    await must(['ip', '-n', t.switchNs, 'link', 'set', t.bridge, 'up']);
    await Promise.all(
      hosts.map(async (h) => {
        await must(['ip', '-n', t.switchNs, 'link', 'add', h.name, 'type', 'veth', 'peer', 'name', h.ifname, 'netns', h.ns]);
        await must(['ip', '-n', t.switchNs, 'link', 'set', h.name, 'master', t.bridge, 'up']);
        await must(hostAddrArgv(h.ns, h.ip, t.prefix, h.ifname));
        await must(['ip', '-n', h.ns, 'link', 'set', h.ifname, 'up']);
        await must(['ip', '-n', h.ns, 'link', 'set', 'lo', 'up']);
      }),
    );
    this.progress(`bridge ${t.bridge} up; hosts ${hosts.map((h) => `${h.name}=${h.ip}`).join(' ')}`);

    const master = t.nodes[0]!;
    const tlsDir = this.tlsDir;
    if (tlsDir) {
      await makeLabCerts(tlsDir, t.nodes, t.vip);
      this.progress(`TLS: a CA, a certificate per node and a client certificate in ${tlsDir}`);
    }
    const ms = this.masters;
    // It holds passwords: readable by root only, as vipctl wants it.
    writeFileSync(this.configPath, vipctlYaml(t, ms, { tlsDir }), { mode: 0o600 });
    const hostnames = this.hostnames;
    for (const n of t.nodes) {
      const d = this.nodeDir(n);
      mkdirSync(join(d, 'run'), { recursive: true, mode: 0o700 });
      for (const m of ms) writeFileSync(join(d, `${redisFileStem(m)}.conf`), redisConf(n, initialNode(m, t.nodes), d, m, { tlsDir, hostnames }));
      writeFileSync(join(d, 'sentinel.conf'), sentinelConf(t.nodes, ms, d, this.reconfigScript(n), timings, { tlsDir, node: n, hostnames }));
    }
    const instances = t.nodes.flatMap((n) => ms.map((m) => [n, m] as const));
    await Promise.all(instances.map(([n, m]) => this.startRedis(n, m.index)));
    // At most 8 probes at a time: with --masters 50 that is 150 instances, and every probe is a process.
    await waitEach(instances, ([n, m]) => `redis ${m.port} on ${n.name}`, async ([n, m]) => (await this.redisCli(n.ip, m.port, ['PING'])).stdout === 'PONG', 20_000 + 400 * instances.length);
    // Replicas linked before the Sentinels start: Sentinel learns them from the
    // master's INFO, which it refreshes only every 10 s once it has looked.
    await waitEach(ms, (m) => `both replicas linked to master ${m.name}`, async (m) => {
      const r = await this.redisCli(initialNode(m, t.nodes).ip, m.port, ['INFO', 'replication']);
      return new RegExp(`connected_slaves:${t.nodes.length - 1}\\b`).test(r.stdout) && (r.stdout.match(/state=online/g) ?? []).length === t.nodes.length - 1;
    }, 15_000 + 400 * ms.length);
    this.progress(ms.length === 1 ? `redis-server up on ${t.nodes.map((n) => n.name).join(', ')} (master ${master.name} ${master.ip}, ${t.nodes.length - 1} replicas linked)` : `${ms.length} masters up, spread over ${t.nodes.map((n) => n.name).join(', ')} (ports ${ms[0]!.port}-${ms[ms.length - 1]!.port}), ${t.nodes.length - 1} replicas linked to each`);
    await Promise.all(t.nodes.map((n) => this.startSentinel(n)));
    await waitFor('sentinels to see each other and every replica', async () => {
      const views = await Promise.all(t.nodes.map((n) => this.sentinelMastersInfo(n)));
      return views.every((v) => v.length === ms.length && v.every((e) => e['num-other-sentinels'] === String(t.nodes.length - 1) && e['num-slaves'] === String(t.nodes.length - 1)));
    }, 60_000, 100);
    this.progress(`redis-sentinel up on every node; quorum 2 of ${t.nodes.length}`);
    await this.firstBind();
  }

  /** What Sentinel runs as client-reconfig-script on a node in this lab's mode, if anything. */
  private reconfigScript(n: LabHost): string | null {
    if (this.mode === 'hook' || this.mode === 'both') return this.hookPath;
    if (this.mode !== 'bash') return null;
    const script = join(this.nodeDir(n), 'classic-hook.sh');
    writeFileSync(script, bashHookScript(n.ip, this.topo.vip, n.ifname), { mode: 0o755 }); // the first master's VIP only
    return script;
  }

  /** The VIP onto the master, the way each mode's users do it; then wait until it is there and only there. */
  private async firstBind(): Promise<void> {
    const t = this.topo;
    const master = t.nodes[0]!;
    let how: string;
    switch (this.mode) {
      case 'none':
        return;
      case 'bash':
        // The classic setup: a manual first bind on the master.
        await must(['ip', '-n', master.ns, 'addr', 'add', t.vipCidr, 'dev', master.ifname]);
        how = `manual "ip addr add" on ${master.name} (the classic hook's first bind)`;
        break;
      case 'watch':
        // No first bind at all: each node's watcher decides for itself.
        await Promise.all(t.nodes.map((n) => this.startWatch(n)));
        how = 'vipctl watch on every node';
        break;
      case 'hook':
      case 'both':
        // No manual first bind: the same command on every node, each decides for itself.
        // exit 1 is transient (say, a Sentinel slow to answer on a loaded machine): run it again
        await Promise.all(t.nodes.map(async (n) => {
          let last: RunResult | null = null;
          await waitFor(`vipctl reconcile on ${n.name} to succeed`, async () => {
            last = await this.vipctl(n, ['reconcile']);
            if (last.exitCode !== 0 && last.exitCode !== 1) throw new VipctlError('LAB', `vipctl reconcile on ${n.name}: ${describeFailure(last)}`);
            return last.exitCode === 0;
          }, 15_000, 200).catch((e: Error) => {
            throw last && !ok(last) ? new VipctlError('LAB', `vipctl reconcile on ${n.name}: ${describeFailure(last)}`) : e;
          });
        }));
        if (this.mode === 'both') await Promise.all(t.nodes.map((n) => this.startWatch(n)));
        how = this.mode === 'both' ? 'vipctl reconcile on every node, then vipctl watch' : 'vipctl reconcile on every node';
        break;
    }
    const ms = this.mode === 'bash' ? [this.masters[0]!] : this.masters;
    await Promise.all(
      ms.map((m) =>
        waitFor(`VIP ${m.vip} on ${initialNode(m, t.nodes).name} only`, async () => {
          const h = await this.vipHolders(m.index);
          return h.length === 1 && h[0] === initialNode(m, t.nodes);
        }, 10_000 + 200 * ms.length),
      ),
    );
    this.progress(ms.length === 1 ? `${how}: VIP ${t.vip} bound on ${master.name}` : `${how}: each of the ${ms.length} VIPs bound on its master`);
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
    return this.spawnIn(n, 'watch', [process.execPath, ...WATCH_NODE_FLAGS, this.hookPath, 'watch', ...args], { ...this.nodeEnv(n), NODE_OPTIONS: WATCH_NODE_OPTIONS });
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

  /** bin/vipctl on a node, with that node's environment. */
  vipctl(host: LabHost, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    return this.exec(host, [this.hookPath, ...args], { env: { ...this.nodeEnv(host), ...extraEnv }, timeoutMs: 30_000 });
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

  /** Disturb the current master. Returns the node hit and when (epoch ms). */
  async failover(kind: FailoverKind, index = 0): Promise<{ kind: FailoverKind; node: LabHost; at: number }> {
    // Each Sentinel has 500 ms to answer: on a loaded machine one may miss that once, so ask again for a while.
    const node = await waitFor('the Sentinels to agree on a master (nothing to fail over before that)', () => this.sentinelMaster(index), 5000, 100);
    const at = Date.now();
    switch (kind) {
      case 'sigkill':
      case 'sigstop': {
        const pid = this.pidOf(node, 'redis', index);
        if (!pid) throw new VipctlError('LAB', `no redis pid recorded for ${node.name} (master ${this.master(index).name})`);
        process.kill(pid, kind === 'sigkill' ? 'SIGKILL' : 'SIGSTOP');
        break;
      }
      case 'link':
        await must(['ip', '-n', node.ns, 'link', 'set', node.ifname, 'down']);
        break;
      case 'sentinel': {
        const r = await this.redisCli(this.topo.nodes.find((n) => n !== node)!.ip, SENTINEL_PORT, ['SENTINEL', 'FAILOVER', this.master(index).name]);
        if (!ok(r) || !r.stdout.startsWith('OK')) throw new VipctlError('LAB', `SENTINEL FAILOVER: ${r.stdout || describeFailure(r)}`);
        break;
      }
    }
    return { kind, node, at };
  }

  /** Undo every failover's damage on every node (see heal). Returns what was done, a line per node that needed it. */
  async healAll(): Promise<string[]> {
    const done: string[] = [];
    for (const n of this.topo.nodes) {
      const what = await this.heal(n);
      if (what.length > 0) done.push(`${n.name}: ${what.join(', ')}`);
    }
    return done;
  }

  /** Undo a failover's damage on a node: link up, SIGCONT, restart a killed redis (it rejoins as a replica). Says what it did. */
  async heal(node: LabHost): Promise<string[]> {
    const done: string[] = [];
    const link = await must(['ip', '-n', node.ns, '-json', 'link', 'show', node.ifname]);
    if (!(JSON.parse(link.stdout) as Array<{ flags?: string[] }>)[0]?.flags?.includes('UP')) {
      await must(['ip', '-n', node.ns, 'link', 'set', node.ifname, 'up']);
      done.push('link up');
    }
    for (const m of this.masters) {
      const pid = this.pidOf(node, 'redis', m.index);
      const which = this.masters.length === 1 ? 'redis' : `redis ${m.port}`;
      // running() reads /proc: a SIGKILLed redis can linger as a zombie, which kill(0) would call alive.
      if (pid && running(pid)) {
        if (processState(pid) === 'T') done.push(`${which} SIGCONT`);
        process.kill(pid, 'SIGCONT');
      } else {
        await this.startRedis(node, m.index);
        done.push(`${which} restarted`);
      }
    }
    return done;
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
