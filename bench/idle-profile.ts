/**
 * `node --import tsx bench/idle-profile.ts [--masters N] [--seconds S] [--out DIR]`:
 * a lab at rest; n2 and n3 watch as built; n1's watcher runs with
 * --cpu-prof (written to DIR when it exits) and, over S seconds, its
 * syscalls are counted (strace -c -f). Prints the top self-time functions.
 * A tool for finding where an idle watcher's CPU goes (docs-incoming/idle.md).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, repoRoot, sleep, waitFor } from '../src/lab/lab';
import { running } from '../src/adapters/proc';

const { values } = parseArgs({ options: { masters: { type: 'string', default: '1' }, seconds: { type: 'string', default: '30' }, out: { type: 'string', default: '/tmp/idle-prof' }, strace: { type: 'boolean', default: false } } });
const LAB_BASE_DIR = process.env.VIPCTL_BENCH_LAB_DIR || '/run/vipctl-lab-bench';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }

function top(file: string, n = 40): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const total = p.samples.length;
  for (const s of p.samples) {
    const x = byId.get(s)!;
    const k = `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace(/^.*\/dist\//, 'dist/')}:${x.callFrame.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + 1);
  }
  // inclusive by url (module)
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const incl = new Map<string, number>();
  for (const s of p.samples) {
    const seen = new Set<string>();
    for (let id: number | undefined = s; id !== undefined; id = parent.get(id)) {
      const x = byId.get(id)!;
      const k = `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace(/^.*\/dist\//, 'dist/')}:${x.callFrame.lineNumber}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + 1);
    }
  }
  const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  console.log(`${file}: ${total} samples, ${(p.endTime - p.startTime) / 1e6} s, idle ${idle}`);
  console.log('--- self');
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(String(v).padStart(6), k);
  console.log('--- inclusive');
  for (const [k, v] of [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(String(v).padStart(6), k);
}

async function main(): Promise<void> {
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  const before = new Set(readdirSync(out));
  const masters = Number(values.masters);
  const lab = await Lab.up({ baseDir: LAB_BASE_DIR, mode: 'none', masters, progress: (s) => process.stderr.write(`  ${s}\n`), vipctl: [process.execPath, '--optimize-for-size', '--cpu-prof', `--cpu-prof-dir=${out}`, join(repoRoot(), 'bin', 'vipctl')] });
  try {
    for (const n of lab.topo.nodes.slice(1)) await lab.startWatch(n);
    const pid = await lab.startWatch(lab.topo.nodes[0]!);
    await sleep(12_000);
    const st = values.strace ? spawn('strace', ['-c', '-f', '-o', join(out, 'strace.txt'), '-p', String(pid)], { stdio: 'ignore' }) : null;
    await sleep(Number(values.seconds) * 1000);
    if (st) {
      st.kill('SIGINT');
      await new Promise((r) => st.once('close', r));
      console.log(readFileSync(join(out, 'strace.txt'), 'utf8').split('\n').slice(0, 25).join('\n'));
    }
    for (const n of lab.topo.nodes) {
      const p = lab.pidOf(n, 'watch');
      if (p) process.kill(p, 'SIGTERM');
    }
    await waitFor('watchers to exit', async () => lab.topo.nodes.every((n) => !running(lab.pidOf(n, 'watch')!)), 20_000, 100);
  } finally {
    await lab.down();
  }
  const files = readdirSync(out).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  for (const f of files) top(join(out, f), 30);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
