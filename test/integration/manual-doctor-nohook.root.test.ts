/** `vipctl doctor` on a lab built without vipctl (mode none, root): nothing moves the VIP on a failover, unless `vipctl watch` runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab';
import { describeLab, upLab } from './support';

describeLab('doctor in a lab without the hook (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('fails the hook check for every Sentinel, with the sentinel.conf line to add', async () => {
    const n1 = lab.host('n1');
    const r = await lab.vipctl(n1, ['doctor']);
    expect(r.exitCode, r.stdout).toBe(1);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('FAIL '));
    expect(failed).toHaveLength(3);
    for (const [i, line] of failed.entries()) {
      expect(line).toMatch(new RegExp(`^FAIL +failover hook 198\\.18\\.0\\.1${i + 1}:26379 \\(mymaster\\) +no client-reconfig-script and no vipctl watch running`));
    }
    expect(r.stdout).toContain(`fix: in that Sentinel's sentinel.conf: sentinel client-reconfig-script mymaster ${lab.hookPath}`);
  });

  it('passes it when a vipctl watch runs here (pid file in the run dir, confirmed in /proc)', async () => {
    const n2 = lab.host('n2');
    const runDir = lab.nodeEnv(n2).VIPCTL_RUN_DIR!;
    mkdirSync(runDir, { recursive: true });
    // a stand-in whose command line is "<node> -e ... <bin/vipctl> watch", as the watcher's is
    const watcher: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', lab.hookPath, 'watch'], { stdio: 'ignore' });
    try {
      writeFileSync(join(runDir, 'watch.pid'), `${watcher.pid}\n`);
      const r = await lab.vipctl(n2, ['doctor']);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^PASS +failover hook 198\\.18\\.0\\.11:26379 \\(mymaster\\) +vipctl watch runs here \\(pid ${watcher.pid}\\)`, 'm'));
      // a pid file left by a watcher that is gone does not count
      watcher.kill('SIGKILL');
      await new Promise((r2) => watcher.once('exit', r2));
      const stale = await lab.vipctl(n2, ['doctor']);
      expect(stale.exitCode).toBe(1);
    } finally {
      watcher.kill('SIGKILL');
      rmSync(join(runDir, 'watch.pid'), { force: true });
    }
  });
});
