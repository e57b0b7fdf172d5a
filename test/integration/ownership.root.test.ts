/**
 * One ownership model for every entry point (issue 19 item 1), with real
 * users: root at a shell acts in the run dir the service user owns (as
 * systemd's RuntimeDirectory= makes it), the service user then still takes
 * the lock root's command created, a stranger never does, and the fix of a
 * refusal, followed as printed, leaves both root and the service user working.
 * The service user is uid 65534 (nobody), the shared group its primary group
 * nogroup ($VIPCTL_GROUP=nogroup): nothing is added to this host's users.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';

const SERVICE = 65534;
const STRANGER = 4242;
const GROUP = { VIPCTL_GROUP: 'nogroup' };
const FIXTURE = new URL('../fixtures/hold-lock.mjs', import.meta.url).pathname;

/** hold-lock.mjs as `uid` (primary group only): does it say "held"? */
function takesLock(uid: number, runDir: string, vip: string): Promise<{ held: boolean; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, runDir, vip], { uid, gid: uid, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...GROUP, HOME: '/nonexistent' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('held')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', () => resolve({ held: out.includes('held'), out }));
  });
}

describeLab('one ownership model: root, the service user and strangers in one run dir (root)', () => {
  let lab: Lab;
  let n2: LabHost;
  let base: string;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' });
    n2 = lab.host('n2');
    base = mkdtempSync('/tmp/vipctl-ownership-');
    chmodSync(base, 0o755);
  });
  afterAll(async () => {
    await lab?.down();
  });

  it("root's unbind and reconcile work in the service user's run dir, and the service user still takes the lock after them; a stranger never", async () => {
    const runDir = join(base, 'run');
    mkdirSync(runDir, { mode: 0o755 });
    chownSync(runDir, SERVICE, SERVICE); // systemd's RuntimeDirectory= for User=: the user's, 0755
    const env = { ...GROUP, VIPCTL_RUN_DIR: runDir };
    const unbind = await lab.vipctl(n2, ['unbind', 'mymaster'], env);
    expect(unbind.exitCode, unbind.stderr).toBe(0);
    const reconcile = await lab.vipctl(n2, ['reconcile', '--json'], env);
    expect(reconcile.exitCode, reconcile.stderr).toBe(0);
    const locks = statSync(join(runDir, 'locks'));
    expect(locks.gid).toBe(SERVICE);
    expect(locks.mode & 0o7777).toBe(0o2770);
    const watcher = await takesLock(SERVICE, runDir, lab.topo.vip);
    expect(watcher.held, watcher.out).toBe(true);
    const stranger = await takesLock(STRANGER, runDir, lab.topo.vip);
    expect(stranger.held).toBe(false);
    expect(stranger.out).toMatch(/EACCES|permission denied|neither root/i);
  });

  it("a refusal's fix, followed as printed, leaves root and the service user working", async () => {
    const runDir = join(base, 'theirs');
    mkdirSync(runDir, { mode: 0o755 });
    chownSync(runDir, STRANGER, STRANGER);
    const env = { ...GROUP, VIPCTL_RUN_DIR: runDir, VIPCTL_LOG_FILE: '' };
    const refused = await lab.vipctl(n2, ['unbind', 'mymaster'], env);
    expect(refused.exitCode).toBe(2);
    const fix = /else: (chown \S+ \S+) && (chmod \S+ \S+)/.exec(refused.stderr);
    expect(fix, refused.stderr).not.toBeNull();
    for (const cmd of [fix![1]!, fix![2]!]) expect((await run(cmd.split(' '))).exitCode).toBe(0);
    expect((await lab.vipctl(n2, ['unbind', 'mymaster'], env)).exitCode).toBe(0);
    expect((await takesLock(SERVICE, runDir, lab.topo.vip)).held).toBe(true);
    expect((await lab.vipctl(n2, ['reconcile', '--json'], env)).exitCode).toBe(0);
  });
});
