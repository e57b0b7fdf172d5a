/**
 * doctor on a daemon host passes as root and as the service user (issue 19
 * item 4): the run dir and config owned as the ownership model says (run dir
 * 2770 root:<group>, config root:<group> 0640), a watcher running (a stand-in
 * whose command line is the watcher's, as in manual-doctor-nohook), no hook.
 * The service user is uid 65534, the group nogroup ($VIPCTL_GROUP).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import { describeLab, upLab } from './support';

describeLab('doctor in daemon mode, as root and as the service user (root)', () => {
  let lab: Lab;
  let watcher: ChildProcess;
  let env: string[];
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    const base = mkdtempSync('/tmp/vipctl-doctor-users-');
    chmodSync(base, 0o755);
    const runDir = join(base, 'run');
    mkdirSync(runDir);
    chownSync(runDir, 0, 65534);
    chmodSync(runDir, 0o2770);
    const config = join(base, 'vipctl.yaml');
    copyFileSync(lab.configPath, config);
    chownSync(config, 0, 65534);
    chmodSync(config, 0o640);
    watcher = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', lab.hookPath, 'watch'], { stdio: 'ignore' });
    writeFileSync(join(runDir, 'watch.pid'), `${watcher.pid}\n`);
    env = ['env', '-i', `PATH=${process.env.PATH}`, 'HOME=/nonexistent', `VIPCTL_CONFIG=${config}`, `VIPCTL_RUN_DIR=${runDir}`, 'VIPCTL_LOG_FILE=', 'VIPCTL_GROUP=nogroup'];
  });
  afterAll(async () => {
    watcher?.kill('SIGKILL');
    await lab?.down();
  });

  const doctor = (as: string[]) => run(['ip', 'netns', 'exec', lab.host('n1').ns, ...as, ...env, lab.hookPath, 'doctor'], { timeoutMs: 60_000 });

  for (const [who, as] of [
    ['root', []],
    ['the service user', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']],
  ] as const) {
    it(`as ${who}: exit 0, the watcher seen, no hook checks`, async () => {
      const r = await doctor([...as]);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^PASS +what moves the VIP here +the watcher \\(pid ${watcher.pid}\\); Sentinel runs no vipctl hook here`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^PASS +capabilities \\(the watcher, pid ${watcher.pid}\\)`, 'm'));
      expect(r.stdout).not.toMatch(/which runs the hook|node on Sentinel's PATH/);
      expect(r.stdout).toMatch(/^PASS +run dir/m);
    });
  }
});
