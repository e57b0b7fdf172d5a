/**
 * The per-VIP lock's guarantee across users (root): no other local user can
 * take or hold it, whether vipctl holds it at the time or not. The lock is
 * flock(2) from fs-ext's addon (in the package: prebuilt, loaded by
 * process.dlopen, adapters/flock.ts); what keeps others out is the private
 * locks directory and file, checked here with a real second user (nobody).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { acquireLock, lockFile } from '../../src/adapters/lock';
import { describeLab } from './support';

const VIP = '198.18.9.100';
const NOBODY = 65534;
const FIXTURE = new URL('../fixtures/hold-lock.mjs', import.meta.url).pathname;

/** hold-lock.mjs (acquireLock, then "held") as another user: its exit code and output. */
function asNobody(runDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, runDir, VIP], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: '/nonexistent' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('held')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', (code) => resolve({ code, out }));
  });
}

describeLab('the per-VIP lock and other users (root)', () => {
  it('another user can take the lock neither while vipctl holds it nor after', async () => {
    const base = mkdtempSync('/tmp/vipctl-lock-users-');
    chmodSync(base, 0o755); // others may look in; the run dir below is vipctl's own (0700)
    const runDir = join(base, 'run');
    const held = await acquireLock(runDir, VIP, 100);
    const whileHeld = await asNobody(runDir);
    expect(whileHeld.out).not.toContain('held');
    expect(whileHeld.code, whileHeld.out).not.toBe(0);
    expect(whileHeld.out).toMatch(/EACCES|permission denied/i);
    held.release();
    const after = await asNobody(runDir);
    expect(after.out).not.toContain('held');
    expect(after.code, after.out).not.toBe(0);
    // and the lock is still vipctl's to take at once
    const again = await acquireLock(runDir, VIP, 100);
    expect(again.path).toBe(lockFile(runDir, VIP));
    expect(again.waitedMs).toBe(0);
    again.release();
  });

  it('the check: the same user in the same place does take it (so the refusal above is the user\'s, not the fixture\'s)', async () => {
    const base = mkdtempSync('/tmp/vipctl-lock-users-');
    chmodSync(base, 0o755);
    const runDir = join(base, 'run');
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, runDir, VIP], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });
    child.kill('SIGKILL');
  });
});
