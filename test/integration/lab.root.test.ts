/** The lab itself (root): it leaves nothing behind, whatever happens; the demo's timeline is in causal order. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { Lab, repoRoot, waitFor } from '../../src/lab/lab';
import { allNamespaces, topology } from '../../src/lab/topology';
import type { Timeline } from '../../src/lab/timeline';
import { describeLab, TEST_LAB_DIR } from './support';
import { running } from '../../src/adapters/proc';

async function namespacesOf(id: string): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list']);
  return r.stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`vl-${id}-`));
}


describeLab('lab up/down (root)', () => {
  it('down removes every namespace, process and file that up made', async () => {
    const lab = await Lab.up({ id: 'tupdown', baseDir: TEST_LAB_DIR });
    const pids = lab.topo.nodes.flatMap((n) => [lab.pidOf(n, 'redis')!, lab.pidOf(n, 'sentinel')!]);
    expect(pids.every(running)).toBe(true);
    expect((await namespacesOf('tupdown')).sort()).toEqual(allNamespaces(topology('tupdown')).sort());
    await lab.down();
    expect(await namespacesOf('tupdown')).toEqual([]);
    await waitFor('lab processes gone', async () => pids.every((p) => !running(p)), 5000);
    expect(existsSync(join(TEST_LAB_DIR, 'tupdown'))).toBe(false);
    await lab.down(); // twice is fine
  });

  it('a step failing midway tears down what was already built', async () => {
    let seen: number[] = [];
    const attempt = Lab.up({
      id: 'tmidway',
      baseDir: TEST_LAB_DIR,
      progress: (step) => {
        if (step.startsWith('redis-server up')) {
          seen = Lab.load('tmidway', TEST_LAB_DIR).recordedPids();
          throw new Error('injected failure after redis started');
        }
      },
    });
    await expect(attempt).rejects.toThrow('injected failure');
    expect(seen.length).toBe(3);
    expect(await namespacesOf('tmidway')).toEqual([]);
    await waitFor('redis processes gone', async () => seen.every((p) => !running(p)), 5000);
    expect(existsSync(join(TEST_LAB_DIR, 'tmidway'))).toBe(false);
  });

  it('after the building process is killed, down from the state file cleans up', async () => {
    const cli = join(repoRoot(), 'bin', 'vipctl');
    const child = spawn(process.execPath, [cli, 'lab', 'up', '--id', 'tcrash', '--dir', TEST_LAB_DIR], { stdio: ['ignore', 'pipe', 'pipe'] });
    // kill it as soon as the redis servers are up, in the middle of the build
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('redis-server up')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error('lab up ended before it could be killed')));
    });
    expect((await namespacesOf('tcrash')).length).toBeGreaterThan(0);
    const r = await run([process.execPath, cli, 'lab', 'down', '--id', 'tcrash', '--dir', TEST_LAB_DIR]);
    expect(r.exitCode).toBe(0);
    expect(await namespacesOf('tcrash')).toEqual([]);
    expect(existsSync(join(TEST_LAB_DIR, 'tcrash'))).toBe(false);
  });
});

describeLab('lab demo (root)', () => {
  it('demo --json: the VIP is bound on the new master after the promotion, and writes come back', async () => {
    const cli = join(repoRoot(), 'bin', 'vipctl');
    const r = await run([process.execPath, cli, 'lab', 'demo', '--json', '--id', 'tdemo', '--dir', TEST_LAB_DIR], { timeoutMs: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as Timeline;
    const at = (key: string): number => {
      const e = t.entries.find((x) => x.key === key);
      expect(e, `${key} in ${JSON.stringify(t.entries)}`).toBeDefined();
      return e!.atMs;
    };
    expect(t.oldMaster).toBe('n1');
    expect(['n2', 'n3']).toContain(t.newMaster);
    expect(at('+odown')).toBeGreaterThanOrEqual(at('+sdown'));
    expect(at('vip-bound-new')).toBeGreaterThan(at('+promoted-slave'));
    expect(at('write-recovered')).toBeGreaterThanOrEqual(at('vip-bound-new'));
    expect(t.writeOutageMs).toBeGreaterThan(0);
    expect(await namespacesOf('tdemo')).toEqual([]);
    // progress went to stderr as it happened, the document alone to stdout
    expect(r.stderr).toContain('+odown');
  });
});

