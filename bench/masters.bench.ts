/**
 * `npm run bench:masters [-- --masters N] [-- --runs N] [-- --json]`: one
 * Sentinel group monitoring N masters (default 50: N redis-server per node,
 * 3 nodes), each with its own VIP, in the namespace lab.
 *
 * - reconcile, in-process: bench/masters-pass.ts in n1's namespace times
 *   reconcileCommand (ask the 3 Sentinels once each with SENTINEL MASTERS,
 *   then read the links, decide and log for every master) `runs` times in one
 *   warm process, after one warm-up pass;
 * - reconcile, CLI: `vipctl reconcile` from spawn to exit on n1 (Node's own start-up included);
 * - watch: `vipctl watch` on every node at log level debug; its `timer-passes`
 *   lines give the duration of each level pass over all N masters; VmRSS of
 *   every watcher from /proc/PID/status, sampled once a second after every VIP
 *   is in place and the watchers have run 10 timer passes.
 * Targets: a full pass <= 100 ms, RSS <= 80 MB. A benchmark, not a test:
 * exit 0 even when a target is missed.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, sleep, waitFor } from '../src/lab/lab';
import { initialNode } from '../src/lab/masters';
import { describeFailure, ok } from '../src/adapters/run';
import { parseLogLines } from '../src/adapters/log-lines';
import { machine, stats, UsageError, type Stats } from './stats';

// Each checkout running benchmarks at once can name its own state dir.
const LAB_BASE_DIR = process.env.VIPCTL_BENCH_LAB_DIR || '/run/vipctl-lab-bench';

function options(argv: string[]): { masters: number; runs: number; json: boolean } {
  const { values } = parseArgs({ args: argv, options: { masters: { type: 'string', default: '50' }, runs: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } } });
  const masters = Number(values.masters);
  const runs = Number(values.runs);
  if (!Number.isInteger(masters) || masters < 1 || masters > 100) throw new UsageError(`--masters must be 1-100, got ${values.masters}`);
  if (!Number.isInteger(runs) || runs < 10) throw new UsageError(`--runs must be an integer >= 10, got ${values.runs}`);
  return { masters, runs, json: values.json === true };
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const t0 = Date.now();
  const lab = await Lab.up({ baseDir: LAB_BASE_DIR, mode: 'none', masters: o.masters, progress: (s) => say(`  ${s}`) });
  try {
    say(`lab up with ${o.masters} masters in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Watchers at debug level, so that each logs its timer-passes lines.
    appendFileSync(lab.configPath, 'log:\n  level: debug\n');
    const pids = await Promise.all(lab.topo.nodes.map((n) => lab.startWatch(n)));
    await waitFor('every VIP on its master', async () => {
      const h = await lab.allVipHolders();
      return lab.masters.every((m) => h[m.index]!.length === 1 && h[m.index]![0] === initialNode(m, lab.topo.nodes));
    }, 60_000, 200);
    const passes = (n = lab.topo.nodes[0]!) => parseLogLines(readFileSync(lab.logFile(n), 'utf8')).filter((l) => l.event === 'timer-passes').map((l) => Number(l.durationMs));
    await waitFor('10 timer passes on n1', async () => passes().length >= 10, 60_000, 200);
    const rss: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      for (const pid of pids) rss.push(rssMb(pid));
      await sleep(1000);
    }
    const watchPass = lab.topo.nodes.flatMap((n) => passes(n).slice(5)); // after start-up
    say(`watchers: ${watchPass.length} timer passes, RSS sampled ${rss.length} times`);

    const n1 = lab.topo.nodes[0]!;
    const r = await lab.exec(n1, [process.execPath, '--import', 'tsx', join(process.cwd(), 'bench/masters-pass.ts'), String(o.runs)], { env: { ...lab.nodeEnv(n1), VIPCTL_LOG_FILE: '' }, timeoutMs: 120_000 });
    if (!ok(r)) throw new Error(`masters-pass: ${describeFailure(r)}`);
    const inProcess = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { passMs: number[]; codes: number[] };
    const cli: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const s = performance.now();
      const c = await lab.vipctl(n1, ['reconcile'], { VIPCTL_LOG_FILE: '' });
      cli.push(performance.now() - s);
      if (c.exitCode !== 0) throw new Error(`vipctl reconcile exit ${c.exitCode}: ${c.stderr.slice(0, 400)}`);
    }
    const rows: Array<[string, Stats | { runs: number; medianMs: number; p95Ms: number; maxMs: number }, string]> = [
      ['reconcile: full pass, in-process (ms)', stats(inProcess.passMs), '<= 100 ms'],
      ['reconcile: CLI spawn to exit (ms)', stats(cli), ''],
      ['watch: level pass over every master (ms)', stats(watchPass), '<= 100 ms'],
      ['watch: RSS per watcher (MB)', stats(rss), '<= 80 MB'],
    ];
    const result = { masters: o.masters, runs: o.runs, loadavg: loadavg().map((x) => Math.round(x * 10) / 10), machine: machine(), reconcileExitCodes: [...new Set(inProcess.codes)], rows: rows.map(([name, s, target]) => ({ name, ...s, target })) };
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(`${o.masters} masters, 3 nodes (${o.masters * 3} redis-server), load average ${result.loadavg.join(' ')}\n`);
      process.stdout.write(`${'row'.padEnd(44)} ${'runs'.padStart(5)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}  target\n`);
      for (const [name, s, target] of rows) process.stdout.write(`${name.padEnd(44)} ${String(s.runs).padStart(5)} ${String(s.medianMs).padStart(8)} ${String(s.p95Ms).padStart(8)} ${String(s.maxMs).padStart(8)}  ${target}\n`);
    }
  } finally {
    await lab.down();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench:masters: ${e.message}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
