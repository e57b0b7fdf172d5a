/** The lab itself (root): it leaves nothing behind, whatever happens; the demo's timeline is in causal order. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { Lab, repoRoot, waitFor } from '../../src/lab/lab';
import { allNamespaces, topology } from '../../src/lab/topology';
import { NETNS_ETC, netnsEtcDirs } from '../../src/lab/hostnames';
import type { Timeline } from '../../src/lab/timeline';
import { describeLab, TEST_LAB_DIR } from './support';
import { running } from '../../src/adapters/proc';

async function namespacesOf(id: string): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list']);
  return r.stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`vl-${id}-`));
}


describeLab('lab up/down (root)', () => {
  it('down removes every namespace, process and file that up made', async () => {
    const lab = await Lab.up({ id: 'tupdown', baseDir: TEST_LAB_DIR, mode: 'none' });
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

  it('--hostnames: an /etc/netns directory already there is refused and left as it was; the ones up made are removed', async () => {
    const id = `thn${process.pid}`.slice(0, 12);
    const t = topology(id);
    const madeRoot = !existsSync(NETNS_ETC);
    const theirs = join(NETNS_ETC, t.client.ns); // the last one up would make
    mkdirSync(theirs, { recursive: true });
    writeFileSync(join(theirs, 'hosts'), 'theirs');
    try {
      await expect(Lab.up({ id, baseDir: TEST_LAB_DIR, mode: 'none', hostnames: true })).rejects.toThrow(/cannot create .*EEXIST/);
      expect(readFileSync(join(theirs, 'hosts'), 'utf8')).toBe('theirs');
      expect(netnsEtcDirs(t).filter((d) => d !== theirs && existsSync(d))).toEqual([]);
      expect(await namespacesOf(id)).toEqual([]);
    } finally {
      rmSync(theirs, { recursive: true, force: true });
      if (madeRoot) {
        try {
          rmdirSync(NETNS_ETC);
        } catch {
          /* a lab made something there meanwhile */
        }
      }
    }
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
    const r = await run([process.execPath, cli, 'lab', 'demo', '--json', '--mode', 'hook', '--id', 'tdemo', '--dir', TEST_LAB_DIR], { timeoutMs: 90_000 });
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
    // the kernel's view: the new master's replica was promoted before the hook bound the VIP there
    expect(at('addr-add-new')).toBeGreaterThan(at('role-master'));
    expect(t.promotionToVipMs).toBeGreaterThan(0);
    expect(t.doubleHolderMs).not.toBeNull();
    expect(await namespacesOf('tdemo')).toEqual([]);
    // progress went to stderr as it happened, the document alone to stdout
    expect(r.stderr).toContain('+odown');
  });
});


describeLab('lab modes (root)', () => {
  it('bash: Sentinel runs the classic script; a SIGKILL moves the VIP; heal restarts the killed redis as a replica', async () => {
    const lab = await Lab.up({ id: 'tbash', baseDir: TEST_LAB_DIR, mode: 'bash' });
    try {
      const n1 = lab.host('n1');
      expect(await lab.vipHolders()).toEqual([n1]); // the manual first bind
      expect((await lab.sentinelMasterInfo(n1))!['client-reconfig-script']).toBe(join(lab.nodeDir(n1), 'classic-hook.sh'));
      await lab.failover('sigkill');
      const fresh = await waitFor('the classic hook to bind on the new master', async () => {
        const m = await lab.sentinelMaster();
        const h = await lab.vipHolders();
        return m && m !== n1 && h.length === 1 && h[0] === m ? m : null;
      }, 30_000, 50);
      expect(await lab.healAll()).toEqual(['n1: redis restarted']);
      await waitFor('n1 back as a replica', async () => (await lab.redisRole(n1)) === 'slave', 20_000, 100);
      expect(await lab.healAll()).toEqual([]); // nothing left to heal
      expect(await lab.vipHolders()).toEqual([fresh]);
    } finally {
      await lab.down();
    }
  });
});

describeLab('lab demo, lost writes (root)', () => {
  it('a planned switchover with the hook loses acknowledged writes, and the probe counts them', async () => {
    const cli = join(repoRoot(), 'bin', 'vipctl');
    const r = await run([process.execPath, cli, 'lab', 'demo', '--json', '--kind', 'sentinel', '--mode', 'hook', '--id', 'tlost', '--dir', TEST_LAB_DIR], { timeoutMs: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as Timeline;
    // The old master keeps the VIP and acknowledges INCRs for about a second after the
    // promotion; they vanish when it is demoted (the reason the watcher exists).
    expect(t.mode).toBe('hook');
    expect(t.lostWrites).toBeGreaterThan(0);
    expect(t.entries.some((e) => e.key === 'writes-lost')).toBe(true);
  });
});
