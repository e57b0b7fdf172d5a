/**
 * `npm run bench:chaos -- --minutes N --seed S [--lab-dir DIR] [--json]`: the soak. One lab,
 * `vipctl watch` on every node, a client writing through the VIP every 10 ms all along,
 * `ip monitor address` on every node, and disturbances one after the other, drawn from a
 * seeded PRNG (the same seed, the same sequence): the master SIGKILLed then restarted, a
 * planned switchover, the master paused then resumed, the master's link cut then healed, a
 * watcher SIGKILLed then restarted, a Sentinel SIGKILLed then restarted (in rounds of all six,
 * each round in a random order, with random pauses and targets). After each, the VIP
 * must settle on the master the Sentinels name; then the damage is undone and the lab waits
 * until it is quiet before the next one.
 *
 * Printed: per kind, the settle time (from the disturbance until the VIP is on the named master
 * only: the later of the kernel's last change of the VIP and the Sentinels' majority naming the
 * new master, ±1 poll); over the run, the time two hosts held the VIP (kernel timeline), the
 * acknowledged writes lost, and the watchers that died by themselves. It stops by itself after
 * N minutes (the disturbance under way finishes; a hard stop 5 minutes later), and removes the
 * lab on every exit, SIGINT and SIGTERM included. A benchmark: exit 0 even when a target is missed.
 */
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { AddrMonitor } from '../src/lab/addr-monitor';
import { startProbe, type Probe } from '../src/lab/failover-run';
import { holderStats } from '../src/lab/holders';
import { Lab, randomLabId, sleep, waitFor } from '../src/lab/lab';
import { DEFAULT_TIMINGS } from '../src/lab/files';
import type { LabHost } from '../src/lab/topology';
import { running } from '../src/adapters/proc';
import { machine, stats, UsageError, type Stats } from './stats';

const KINDS = ['master-kill', 'switchover', 'master-pause', 'link-cut', 'watcher-kill', 'sentinel-kill'] as const;
type Kind = (typeof KINDS)[number];

/** Target: every disturbance settled within down-after-milliseconds + 2 s. */
const SETTLE_TARGET_MS = DEFAULT_TIMINGS.downAfterMs + 2000;
/** A disturbance not settled in this long is counted unsettled (and the run goes on after healing). */
const SETTLE_TIMEOUT_MS = 60_000;
const QUIET_TIMEOUT_MS = 90_000;
/** After the last minute, how long the disturbance under way may take before a hard stop. */
const HARD_STOP_GRACE_MS = 5 * 60_000;

interface Options {
  minutes: number;
  seed: number;
  labDir: string;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  let values: { minutes?: string; seed?: string; 'lab-dir'?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { minutes: { type: 'string', default: '5' }, seed: { type: 'string' }, 'lab-dir': { type: 'string', default: '/run/vipctl-lab-chaos' }, json: { type: 'boolean', default: false } } }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (usage: bench/chaos.bench.ts [--minutes N] [--seed S] [--lab-dir DIR] [--json])`);
  }
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) throw new UsageError(`--minutes must be a number of minutes (0-1440], got "${values.minutes}"`);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new UsageError(`--seed must be an integer 0..2^32-1, got "${values.seed}"`);
  if (!values['lab-dir']!.startsWith('/')) throw new UsageError('--lab-dir must be an absolute path');
  return { minutes, seed, labDir: values['lab-dir']!, json: values.json === true };
}

/** mulberry32: a small seeded PRNG, [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Settled: the VIP on the named master only, `ms` after the disturbance (the kernel's last change of it; 0: it never moved). */
interface Settled {
  master: LabHost;
  ms: number;
  /** When the master changed: ms until the test first saw the Sentinels' majority name the new one (±1 poll). */
  namedMs: number | null;
}

/** Fisher-Yates with the run's PRNG. */
function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Done {
  kind: Kind;
  /** ms from the disturbance to the VIP on the named master only (kernel); null: not settled in time. */
  settleMs: number | null;
  namedMs: number | null;
  node: string;
  master: string | null;
  /** The lab could not carry the disturbance out (not a measurement): why. */
  aborted?: string;
}

interface Run {
  done: Done[];
  lostWrites: number;
  doubleHolderMs: number;
  maxHolders: number;
  watcherCrashes: Array<{ node: string; pid: number; after: string }>;
  writes: number;
  failedWrites: number;
}

class Chaos {
  readonly done: Done[] = [];
  readonly crashes: Run['watcherCrashes'] = [];
  lost = 0;
  /** Watcher pids this run stopped on purpose (not crashes). */
  private readonly killedOnPurpose = new Set<number>();
  private lastKind = 'start';

  constructor(private readonly lab: Lab, private readonly mon: AddrMonitor, private readonly probe: Probe, private readonly rnd: () => number, private readonly say: (s: string) => void) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  /** Count the probe's lost writes and drop its events (a long run keeps none of them). */
  drainProbe(): void {
    for (const e of this.probe.events) if (e.kind === 'writes-lost') {
      this.lost += e.lost ?? 0;
      this.say(`  client: ${e.message}`);
    }
    this.probe.events.splice(0, this.probe.events.length);
  }

  /** Watchers that died without being told to: counted, their last log lines shown, restarted. */
  async checkWatchers(): Promise<void> {
    for (const n of this.lab.topo.nodes) {
      const pid = this.lab.pidOf(n, 'watch');
      if (pid === undefined || running(pid) || this.killedOnPurpose.has(pid)) continue;
      this.crashes.push({ node: n.name, pid, after: this.lastKind });
      this.say(`  WATCHER DIED on ${n.name} (pid ${pid}) after ${this.lastKind}; restarting it`);
      await this.lab.startWatch(n);
    }
  }

  /** Wait until the VIP is on the master the Sentinels name, and only there; the settle time from `t0`. */
  private async settle(t0: number, before: LabHost): Promise<Settled | null> {
    const vip = this.lab.topo.vip;
    let namedAt: number | null = null;
    try {
      return await waitFor('the VIP on the named master', async () => {
        const m = await this.lab.sentinelMaster();
        if (!m) return null;
        if (m !== before && namedAt === null) namedAt = Date.now();
        if ((await this.lab.redisRole(m)) !== 'master') return null;
        const holders = await this.lab.vipHolders();
        if (holders.length !== 1 || holders[0] !== m) return null;
        const last = this.mon.of(vip).filter((e) => e.t >= t0).at(-1)?.t ?? t0;
        return { master: m, ms: Math.round(last - t0), namedMs: m === before || namedAt === null ? null : namedAt - t0 };
      }, SETTLE_TIMEOUT_MS, 50);
    } catch {
      return null;
    }
  }

  private record(kind: Kind, node: LabHost, r: Settled | null): void {
    this.done.push({ kind, node: node.name, settleMs: r?.ms ?? null, namedMs: r?.namedMs ?? null, master: r?.master.name ?? null });
    const named = r?.namedMs != null ? `; the Sentinels' majority named it after ${r.namedMs} ms` : '';
    this.say(`#${this.done.length} ${kind} on ${node.name}: ${r ? `VIP settled on ${r.master.name} in ${r.ms} ms${r.ms > SETTLE_TARGET_MS ? ' (over target)' : ''}${named}` : `NOT SETTLED within ${SETTLE_TIMEOUT_MS} ms`}`);
  }

  /** One disturbance, its settling, and the undoing of its damage. */
  async one(kind: Kind): Promise<void> {
    const lab = this.lab;
    this.lastKind = kind;
    const master = await lab.waitSettled(QUIET_TIMEOUT_MS);
    await sleep(200 + Math.floor(this.rnd() * 1800));
    const t0 = Date.now();
    switch (kind) {
      case 'master-kill': {
        const hit = await lab.failover('sigkill');
        this.record(kind, hit.node, await this.settle(t0, master));
        await lab.heal(hit.node);
        break;
      }
      case 'switchover': {
        await lab.failover('sentinel');
        this.record(kind, master, await this.settle(t0, master));
        break;
      }
      case 'master-pause': {
        const hit = await lab.failover('sigstop');
        try {
          this.record(kind, hit.node, await this.settle(t0, master));
        } finally {
          await lab.heal(hit.node); // SIGCONT: it must not take the VIP back (the two-holder time says)
        }
        break;
      }
      case 'link-cut': {
        const hit = await lab.failover('link');
        try {
          this.record(kind, hit.node, await this.settle(t0, master));
        } finally {
          await lab.heal(hit.node);
        }
        break;
      }
      case 'watcher-kill': {
        const node = this.pick(lab.topo.nodes);
        const pid = lab.pidOf(node, 'watch')!;
        this.killedOnPurpose.add(pid);
        lab.kill(node, 'watch');
        await waitFor(`watcher ${pid} to exit`, async () => !running(pid), 10_000, 20);
        await sleep(Math.floor(this.rnd() * 1500));
        await lab.startWatch(node);
        this.record(kind, node, await this.settle(t0, master));
        break;
      }
      case 'sentinel-kill': {
        const node = this.pick(lab.topo.nodes);
        const pid = lab.kill(node, 'sentinel');
        await waitFor(`sentinel ${pid} to exit`, async () => !running(pid), 10_000, 20);
        await sleep(500 + Math.floor(this.rnd() * 2500));
        await lab.startSentinel(node);
        this.record(kind, node, await this.settle(t0, master));
        break;
      }
    }
    this.drainProbe();
    await this.checkWatchers();
  }
}

function summary(run: Run, o: Options, elapsedMs: number, extra: { labDirBytes: number | null; rssMb: number }): { lines: string[]; perKind: Record<string, Stats & { unsettled: number; overTarget: number; namedMedianMs: number }> } {
  const m = machine();
  const perKind: Record<string, Stats & { unsettled: number; overTarget: number; namedMedianMs: number }> = {};
  for (const k of KINDS) {
    const ds = run.done.filter((d) => d.kind === k && d.aborted === undefined);
    const ms = ds.flatMap((d) => (d.settleMs === null ? [] : [d.settleMs]));
    const named = stats(ds.flatMap((d) => (d.namedMs === null ? [] : [d.namedMs])));
    perKind[k] = { ...stats(ms), unsettled: ds.length - ms.length, overTarget: ms.filter((x) => x > SETTLE_TARGET_MS).length, namedMedianMs: named.medianMs };
  }
  const num = (x: number): string => (Number.isNaN(x) ? '-' : String(x)).padStart(8);
  const measured = run.done.filter((d) => d.aborted === undefined);
  const aborted = run.done.filter((d) => d.aborted !== undefined);
  const settled = measured.filter((d) => d.settleMs !== null);
  const worst = Math.max(0, ...settled.map((d) => d.settleMs!));
  const check = (ok: boolean, text: string): string => `  ${ok ? 'PASS' : 'MISS'}  ${text}`;
  const lines = [
    `vipctl chaos soak, ${new Date().toISOString()}: seed ${o.seed}, ${Math.round(elapsedMs / 60_000 * 10) / 10} min (asked ${o.minutes}), ${run.done.length} disturbances`,
    `machine: node ${m.node}, nproc ${m.nproc}, ${m.cpu}, ${m.platform}; lab down-after-milliseconds ${DEFAULT_TIMINGS.downAfterMs}`,
    '',
    `${'disturbance'.padEnd(15)}${'n'.padStart(4)}${'median'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}${'>target'.padStart(9)}${'unsettled'.padStart(11)}${'named'.padStart(8)}   (ms: VIP settle time from the kernel; named: median until the Sentinels' majority named the new master)`,
    ...KINDS.map((k) => {
      const s = perKind[k]!;
      return `${k.padEnd(15)}${String(s.runs + s.unsettled).padStart(4)}${num(s.medianMs)}${num(s.p95Ms)}${num(s.maxMs)}${String(s.overTarget).padStart(9)}${String(s.unsettled).padStart(11)}${num(s.namedMedianMs)}`;
    }),
    '',
    `time two hosts held the VIP (kernel): ${run.doubleHolderMs} ms (most holders at once: ${run.maxHolders})`,
    `acknowledged writes lost: ${run.lostWrites} (of ${run.writes} acknowledged; ${run.failedWrites} failed or timed out during outages)`,
    ...(aborted.length ? [`disturbances the lab could not carry out (not measured): ${aborted.length} (${aborted.map((d) => `${d.kind}: ${d.aborted}`).join('; ')})`] : []),
    `watchers that died by themselves: ${run.watcherCrashes.length}${run.watcherCrashes.length ? ` (${run.watcherCrashes.map((c) => `${c.node} after ${c.after}`).join(', ')})` : ''}`,
    `lab dir at the end: ${extra.labDirBytes === null ? '?' : `${Math.round(extra.labDirBytes / 1024)} KiB`} (logs, tmpfs); bench process RSS ${extra.rssMb} MB`,
    '',
    'targets:',
    check(run.doubleHolderMs === 0, `0 ms with two holders (${run.doubleHolderMs} ms)`),
    check(run.lostWrites === 0, `0 acknowledged writes lost (${run.lostWrites})`),
    check(run.watcherCrashes.length === 0, `0 watcher crashes (${run.watcherCrashes.length})`),
    check(settled.length === measured.length && worst <= SETTLE_TARGET_MS, `every disturbance settled within down-after + 2 s = ${SETTLE_TARGET_MS} ms (worst ${worst} ms, ${measured.length - settled.length} unsettled)`),
  ];
  return { lines, perKind };
}

function dirBytes(dir: string): number | null {
  try {
    return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const say = (s: string): void => void process.stderr.write(`chaos: ${s}\n`);
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces)');
  say(`seed ${o.seed}, ${o.minutes} min, lab dir ${o.labDir}`);
  const rnd = prng(o.seed);
  let lab: Lab | null = null;
  let mon: AddrMonitor | null = null;
  let probe: Probe | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await probe?.stop().catch(() => undefined);
      mon?.stop();
      await lab?.down().catch((e: Error) => say(`lab down: ${e.message}`));
    })());
  const onSignal = (sig: NodeJS.Signals): void => {
    say(`${sig}: removing the lab`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const started = Date.now();
  const endAt = started + o.minutes * 60_000;
  const hardStop = setTimeout(() => {
    say(`hard stop: still running ${HARD_STOP_GRACE_MS / 60_000} min after the last minute; removing the lab`);
    void cleanup().finally(() => process.exit(1));
  }, o.minutes * 60_000 + HARD_STOP_GRACE_MS);
  hardStop.unref();
  try {
    lab = await Lab.up({ id: `chaos${randomLabId().slice(0, 6)}`, baseDir: o.labDir, mode: 'watch', progress: say });
    await lab.waitSettled(QUIET_TIMEOUT_MS);
    mon = await AddrMonitor.start(lab);
    const monStart = Date.now();
    const initial = (await lab.vipHolders()).map((h) => h.name);
    probe = await startProbe(lab, say, { roles: false });
    const chaos = new Chaos(lab, mon, probe, rnd, say);
    let failuresInARow = 0;
    // rounds of every kind once, each round in a random order: every kind gets its share of the run
    const bag: Kind[] = [];
    while (Date.now() < endAt) {
      if (bag.length === 0) bag.push(...shuffled(KINDS, rnd));
      const kind = bag.shift()!;
      try {
        await chaos.one(kind);
        failuresInARow = 0;
      } catch (e) {
        // the lab could not carry the step out (say it never got quiet): heal everything, count it, go on
        say(`${kind}: ${(e as Error).message}; healing every node`);
        chaos.done.push({ kind, settleMs: null, namedMs: null, node: '?', master: null, aborted: (e as Error).message });
        if (++failuresInARow >= 3) throw new Error(`three disturbances in a row could not be carried out; last: ${(e as Error).message}`);
        await lab.healAll().catch(() => undefined);
        await chaos.checkWatchers();
      }
    }
    await lab.waitSettled(QUIET_TIMEOUT_MS).catch(() => undefined);
    await sleep(500);
    await probe.stop();
    const stopped = probe.events.find((e) => e.kind === 'stats');
    chaos.drainProbe();
    const h = holderStats(initial, mon.of(lab.topo.vip), monStart, Date.now());
    const run: Run = { done: chaos.done, lostWrites: chaos.lost, doubleHolderMs: h.doubleMs, maxHolders: h.maxHolders, watcherCrashes: chaos.crashes, writes: stopped?.writes ?? 0, failedWrites: stopped?.failures ?? 0 };
    const { lines, perKind } = summary(run, o, Date.now() - started, { labDirBytes: dirBytes(lab.dir), rssMb: Math.round(process.memoryUsage().rss / 1e6) });
    if (o.json) process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), machine: machine(), seed: o.seed, minutes: o.minutes, perKind, ...run, kernel: mon.of(lab.topo.vip) }, null, 2)}\n`);
    else process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    clearTimeout(hardStop);
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    await cleanup();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`chaos: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
