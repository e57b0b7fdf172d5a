/**
 * `npm run bench:hook [-- --runs N] [-- --failovers N] [-- --json]`: how long
 * Sentinel's client-reconfig-script takes, vipctl next to the classic bash hook
 * (bench/blog-hook.sh), on one node of a namespace lab (mode 'none': nothing
 * else touches the VIP). vipctl three times: bin/vipctl (the git tree: node +
 * dist/), the package's /usr/bin/vipctl (dist/pkg/vipctl: code cache) and its
 * hook executable /usr/lib/vipctl/vipctl-hook (dist/pkg/vipctl-hook: a startup
 * snapshot, src/sea-hook.ts), from `npm run package` (which the npm script
 * runs first), all against `node -e 0` measured in the same run. Then
 * `--failovers` (default 5, 0: none) real SIGKILL failovers with three hooks
 * at once, vipctl-hook against bash (bench/hook-failovers.ts).
 *
 * Every number is what an operator would see: nothing is subtracted. Each
 * hook runs as `ip netns exec <ns> env ... <hook> <7 args>`, for both tools.
 * "VIP present" is the time from spawning the hook to `ip -ts monitor address`
 * reporting the VIP added. Runs are interleaved (vipctl, bash, vipctl, ...)
 * so machine noise hits both. A benchmark, not a test: exit 0 even when a
 * target is missed, non-zero only when it could not run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, namespacePids, waitFor } from '../src/lab/lab';
import { AddrMonitor } from '../src/lab/addr-monitor';
import type { LabHost } from '../src/lab/topology';
import { describeFailure, ok, run } from '../src/adapters/run';
import { LAB_SUBNET_PREFIX } from '../src/lab/topology';
import { UsageError } from './stats';
import { benchFailovers } from './hook-failovers';
import { printFailovers, printTable, report, withFailovers, type Report } from './hook-report';

const LAB_BASE_DIR = process.env.VIPCTL_BENCH_LAB_DIR || '/run/vipctl-lab-bench';
const MIN_RUNS = 20;
/** The bare executable `npm run package` leaves beside the .deb (its lock addon beside it). */
const PACKAGED = join(new URL('..', import.meta.url).pathname, 'dist', 'pkg', 'vipctl');
/** The package's hook executable (Sentinel's client-reconfig-script, /usr/lib/vipctl/vipctl-hook). */
const PACKAGED_HOOK = join(new URL('..', import.meta.url).pathname, 'dist', 'pkg', 'vipctl-hook');
/** The seed's bash hook (LOCAL_IP, VIP, NETMASK, INTERFACE from the environment). */
const BLOG_HOOK = join(new URL('.', import.meta.url).pathname, 'blog-hook.sh');

type Path = 'bind' | 'unbind';
type Tool = 'vipctl' | 'packaged' | 'hookexe' | 'baseline' | 'bash';

interface Options {
  runs: number;
  failovers: number;
  json: boolean;
  /** An older vipctl-hook (a copy kept from before a change), timed beside the new one in the same run. */
  baseline?: string;
  /** Keep NODE_EXTRA_CA_CERTS in the hooks' environment (see ENVIRONMENT below). */
  keepEnv: boolean;
}

/**
 * Node reads $NODE_EXTRA_CA_CERTS before any JavaScript runs (with its ~140
 * bundled roots: an X509 store built on every start, ~80 ms of CPU here;
 * node -e 0 42 -> 121 ms). A development shell may carry it; Sentinel under
 * systemd (Debian's redis-sentinel.service) does not, and Sentinel hands its
 * own environment to the script. The bench removes it from its environment
 * at start (so from every hook, the floors, and the labs' Sentinels), unless
 * --keep-env, and times node -e 0 with it once per round for comparison.
 */
const CA_VARIABLE = 'NODE_EXTRA_CA_CERTS';
const ambientCa = process.env[CA_VARIABLE];

interface Bench {
  baseline?: string;
  lab: Lab;
  node: LabHost;
  other: LabHost;
  monitor: AddrMonitor;
}

/** Samples in ms, keyed by row name. */
type Samples = Map<string, number[]>;

function parseOptions(argv: string[]): Options {
  let values: { runs?: string; failovers?: string; json?: boolean; 'keep-env'?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '25' }, failovers: { type: 'string', default: '5' }, json: { type: 'boolean', default: false }, baseline: { type: 'string' }, 'keep-env': { type: 'boolean', default: false } } }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (usage: bench/hook.bench.ts [--runs N] [--failovers N] [--baseline OLD-VIPCTL-HOOK] [--keep-env] [--json])`);
  }
  const baseline = (values as { baseline?: string }).baseline;
  if (baseline !== undefined && !existsSync(baseline)) throw new UsageError(`--baseline ${baseline}: no such file`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < MIN_RUNS) throw new UsageError(`--runs must be an integer >= ${MIN_RUNS}, got "${values.runs}"`);
  const failovers = Number(values.failovers);
  if (!Number.isInteger(failovers) || failovers < 0) throw new UsageError(`--failovers must be an integer >= 0, got "${values.failovers}"`);
  return { runs, failovers, json: values.json === true, keepEnv: values['keep-env'] === true, ...(baseline !== undefined ? { baseline } : {}) };
}


/** Spawn argv, resolve with its start time and wall time (spawn to exit). Throws on a non-zero exit. */
async function timed(argv: string[], env?: NodeJS.ProcessEnv): Promise<{ startedAt: number; ms: number }> {
  const startedAt = performance.timeOrigin + performance.now(); // epoch ms, the clock of ip -ts
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...(env ? { env } : {}) });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((res, rej) => {
    child.once('error', rej);
    child.once('exit', (c) => res(c));
  });
  const ms = performance.timeOrigin + performance.now() - startedAt;
  if (code !== 0) throw new Error(`${argv.join(' ')}: exit ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
  return { startedAt, ms };
}

async function must(argv: string[]): Promise<string> {
  const r = await run(argv);
  if (!ok(r)) throw new Error(describeFailure(r));
  return r.stdout;
}

async function vipBound(b: Bench): Promise<boolean> {
  const out = await must(['ip', '-n', b.node.ns, '-o', '-4', 'addr', 'show', 'dev', b.node.ifname]);
  return out.includes(` ${b.lab.topo.vipCidr} `);
}

/** Put the VIP in the state a path starts from: absent before a bind, present before an unbind. */
async function resetVip(b: Bench, present: boolean): Promise<void> {
  if ((await vipBound(b)) === present) return;
  await must(['ip', '-n', b.node.ns, 'addr', present ? 'add' : 'del', b.lab.topo.vipCidr, 'dev', b.node.ifname]);
}

/** Kill (by pid) every arping left running in the node's namespace, and wait until they are gone. */
async function killArpings(ns: string): Promise<void> {
  const pids = await namespacePids(ns);
  const arpings = pids.filter((pid) => isArping(pid));
  for (const pid of arpings) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  await waitFor('leftover arping to exit', async () => arpings.every((p) => !isArping(p)), 2000, 5);
}

function isArping(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return argv0.split('/').pop() === 'arping' && state !== 'Z';
  } catch {
    return false;
  }
}

/** The hook command line for a tool and path, wrapped in `ip netns exec <ns> env ...`. */
function hookArgv(b: Bench, tool: Tool, path: Path): string[] {
  const [me, other] = [b.node.ip, b.other.ip];
  const args = path === 'bind' ? ['mymaster', 'leader', 'start', other, '6379', me, '6379'] : ['mymaster', 'observer', 'start', me, '6379', other, '6379'];
  const env = tool === 'bash' ? { LOCAL_IP: me, VIP: b.lab.topo.vip, NETMASK: String(LAB_SUBNET_PREFIX), INTERFACE: b.node.ifname } : b.lab.nodeEnv(b.node);
  const cmd = tool === 'vipctl' ? [b.lab.hookPath] : tool === 'packaged' ? [PACKAGED] : tool === 'hookexe' ? [PACKAGED_HOOK] : tool === 'baseline' ? [b.baseline!] : ['bash', BLOG_HOOK];
  return ['ip', 'netns', 'exec', b.node.ns, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd, ...args];
}

/** One measured hook run from a clean state; records wall time (and VIP-present time on bind). */
async function measureHook(b: Bench, tool: Tool, path: Path, samples: Samples | null): Promise<void> {
  await killArpings(b.node.ns);
  await resetVip(b, path === 'unbind');
  const { startedAt, ms } = await timed(hookArgv(b, tool, path));
  const presentMs = path === 'bind' ? (await b.monitor.added(b.node.name, b.lab.topo.vip, startedAt)) - startedAt : null;
  if ((await vipBound(b)) !== (path === 'bind')) throw new Error(`${tool} ${path}: VIP is ${path === 'bind' ? 'not ' : ''}bound afterwards`);
  record(samples, `${tool}|${path}`, ms);
  if (presentMs !== null) record(samples, `${tool}|present`, presentMs);
}

/**
 * The per-VIP lock on its own, in a fresh process in the node's namespace with
 * the node's run dir, as the hook takes it: loading the fs-ext addon (flock),
 * then the first acquire + release (directory checks, open, fstat, flock, close).
 */
const LOCK_PROBE = `
const [bundle, fsExt, runDir, vip] = process.argv.slice(1);
let t = performance.now();
require(fsExt);
const loadMs = performance.now() - t;
const { acquireLock } = require(bundle);
t = performance.now();
acquireLock(runDir, vip, 1000).then((l) => {
  l.release();
  process.stdout.write(JSON.stringify({ loadMs, lockMs: performance.now() - t }));
});`;

async function measureLock(b: Bench, samples: Samples | null): Promise<void> {
  const root = join(b.lab.hookPath, '..', '..');
  const r = await run(['ip', 'netns', 'exec', b.node.ns, process.execPath, '-e', LOCK_PROBE, join(root, 'dist', 'hook.cjs'), join(root, 'node_modules', 'fs-ext'), b.lab.nodeEnv(b.node).VIPCTL_RUN_DIR!, b.lab.topo.vip]);
  if (!ok(r)) throw new Error(describeFailure(r));
  const { loadMs, lockMs } = JSON.parse(r.stdout) as { loadMs: number; lockMs: number };
  record(samples, 'lock|load', loadMs);
  record(samples, 'lock|acquire', lockMs);
}

/** Context: the floor of any Node CLI, and the cost of the `ip netns exec` wrapper alone. */
async function measureFloors(b: Bench, samples: Samples | null): Promise<void> {
  record(samples, 'floor|node', (await timed([process.execPath, '-e', '0'])).ms);
  if (ambientCa !== undefined && process.env[CA_VARIABLE] === undefined) record(samples, 'floor|node-ca', (await timed([process.execPath, '-e', '0'], { ...process.env, [CA_VARIABLE]: ambientCa })).ms);
  record(samples, 'floor|netns', (await timed(['ip', 'netns', 'exec', b.node.ns, 'true'])).ms);
}

function record(samples: Samples | null, key: string, ms: number): void {
  if (!samples) return;
  samples.set(key, [...(samples.get(key) ?? []), ms]);
}

/** One round: every (tool, path) once; which tool goes first rotates between rounds. */
async function round(b: Bench, i: number, samples: Samples | null): Promise<void> {
  const all: Tool[] = ['vipctl', 'packaged', 'hookexe', ...(b.baseline ? (['baseline'] as const) : []), 'bash'];
  const tools = [...all.slice(i % all.length), ...all.slice(0, i % all.length)];
  for (const path of ['bind', 'unbind'] as const) for (const tool of tools) await measureHook(b, tool, path, samples);
  await measureLock(b, samples);
  await measureFloors(b, samples);
}

async function setUp(lab: Lab, baseline: string | undefined): Promise<Bench> {
  const [node, other] = lab.topo.nodes as [LabHost, LabHost];
  const monitor = await AddrMonitor.start(lab, { hosts: [node] }); // listening when it returns
  const b: Bench = { lab, node, other, monitor, ...(baseline ? { baseline } : {}) };
  await resetVip(b, false);
  return b;
}

async function benchmark(lab: Lab, options: Options, say: (s: string) => void): Promise<Report> {
  const b = await setUp(lab, options.baseline);
  try {
    say('warm-up round (discarded)');
    await round(b, 0, null);
    const samples: Samples = new Map();
    for (let i = 0; i < options.runs; i++) {
      say(`round ${i + 1}/${options.runs}`);
      await round(b, i, samples);
    }
    await killArpings(b.node.ns);
    const notes = [
      options.keepEnv || ambientCa === undefined
        ? `Environment: as the bench was started${ambientCa !== undefined ? ` (${CA_VARIABLE} kept: every Node process builds its CA store at start)` : ''}.`
        : `Environment: ${CA_VARIABLE} (set where the bench was started) removed from every hook, floor and lab Sentinel, as Sentinel under systemd has none; the node-ca row is node -e 0 with it.`,
      ...(options.baseline ? [`Baseline: ${options.baseline}, an older vipctl-hook, in the same rounds (and, with --failovers, in a third lab).`] : []),
    ];
    return report({ lab: b.lab.id, namespace: b.node.ns, nodeIp: b.node.ip, vip: b.lab.topo.vipCidr, runsPerRow: options.runs, warmupRoundsDiscarded: 1 }, samples, notes);
  } finally {
    b.monitor.stop();
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options.keepEnv) delete process.env[CA_VARIABLE]; // before any child: hooks, floors, the labs' Sentinels
  for (const exe of [PACKAGED, PACKAGED_HOOK]) if (!existsSync(exe)) throw new Error(`${exe} is missing: run npm run package (npm run bench:hook does)`);
  const say = (s: string): void => void process.stderr.write(`bench: ${s}\n`);
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces)');
  const lab = await Lab.up({ baseDir: LAB_BASE_DIR, mode: 'none', progress: say });
  const stop = (): void => void lab.down().finally(() => process.exit(130));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    let result = await benchmark(lab, options, say);
    await lab.down();
    if (!options.json) printTable(result); // now: the failovers below take minutes
    if (options.failovers > 0) {
      const failovers = await benchFailovers({ runs: options.failovers, baseDir: LAB_BASE_DIR, hookExe: PACKAGED_HOOK, cliExe: PACKAGED, ...(options.baseline ? { baselineExe: options.baseline } : {}), say });
      result = withFailovers(result, failovers);
      if (!options.json) printFailovers(result);
    }
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    await lab.down();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
