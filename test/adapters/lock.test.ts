import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockFile } from '../../src/adapters/lock';

const VIP = '198.18.9.100';
const runDir = (): string => join(mkdtempSync(join(tmpdir(), 'vipctl-lock-')), 'run');

describe('per-VIP lock (flock on <runDir>/locks/vip-<VIP>.lock)', () => {
  it('lives in a private locks directory of the run dir, file 0600', async () => {
    const dir = runDir();
    const l = await acquireLock(dir, VIP, 100);
    expect(l.path).toBe(join(dir, 'locks', `vip-${VIP}.lock`));
    expect(lockFile(dir, VIP)).toBe(l.path);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'locks')).mode & 0o777).toBe(0o700);
    expect(statSync(l.path).mode & 0o777).toBe(0o600);
    l.release();
  });

  it('is exclusive until released, and free again at once after', async () => {
    const dir = runDir();
    const first = await acquireLock(dir, VIP, 100);
    await expect(acquireLock(dir, VIP, 60)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', exitCode: 1 });
    first.release();
    first.release(); // twice is harmless
    const second = await acquireLock(dir, VIP, 100);
    expect(second.waitedMs).toBe(0);
    second.release();
  });

  it('is per VIP and per run dir (each lab node has its own)', async () => {
    const dir = runDir();
    const a = await acquireLock(dir, VIP, 100);
    const b = await acquireLock(dir, '198.18.9.101', 100);
    const c = await acquireLock(runDir(), VIP, 100);
    for (const l of [a, b, c]) l.release();
  });

  it('a waiter gets the lock as soon as the holder releases it', async () => {
    const dir = runDir();
    const first = await acquireLock(dir, VIP, 100);
    const waiting = acquireLock(dir, VIP, 2000);
    setTimeout(() => first.release(), 100);
    const second = await waiting;
    expect(second.waitedMs).toBeGreaterThanOrEqual(90);
    second.release();
  });

  it('serialises concurrent takers: never two holders at once', async () => {
    const dir = runDir();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const l = await acquireLock(dir, VIP, 5000);
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        l.release();
      }),
    );
    expect(most).toBe(1);
  });

  it('is freed by the kernel when the holder is SIGKILLed (no stale lock)', async () => {
    const dir = runDir();
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('../fixtures/hold-lock.mjs', import.meta.url).pathname, dir, VIP], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });
    await expect(acquireLock(dir, VIP, 50)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    child.kill('SIGKILL');
    const l = await acquireLock(dir, VIP, 3000);
    l.release();
  });
});

describe('lock paths that are not safe are refused (exit 2, naming the path and the fix)', () => {
  it('a symlink planted as the lock file is not followed', async () => {
    const dir = runDir();
    mkdirSync(join(dir, 'locks'), { recursive: true, mode: 0o700 });
    const target = join(dir, '..', 'victim');
    writeFileSync(target, 'precious\n', { mode: 0o600 });
    symlinkSync(target, lockFile(dir, VIP));
    await expect(acquireLock(dir, VIP, 50)).rejects.toMatchObject({ code: 'CONFIG', exitCode: 2, message: expect.stringMatching(/vip-198\.18\.9\.100\.lock: is a symlink/) });
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('a locks directory that others can enter', async () => {
    const dir = runDir();
    mkdirSync(join(dir, 'locks'), { recursive: true });
    chmodSync(join(dir, 'locks'), 0o755);
    await expect(acquireLock(dir, VIP, 50)).rejects.toThrow(/locks: has mode 0755 \(others must have no access\); fix with: chmod o-rwx/);
  });

  it('a lock file others can read (they could flock it)', async () => {
    const dir = runDir();
    mkdirSync(join(dir, 'locks'), { recursive: true, mode: 0o700 });
    writeFileSync(lockFile(dir, VIP), '', { mode: 0o644 });
    chmodSync(lockFile(dir, VIP), 0o644);
    await expect(acquireLock(dir, VIP, 50)).rejects.toThrow(/has mode 0644.*chmod o-rwx/);
  });

  it('a world-writable run dir', async () => {
    const dir = runDir();
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    await expect(acquireLock(dir, VIP, 50)).rejects.toMatchObject({ code: 'CONFIG', details: { key: 'runDir' }, message: expect.stringContaining(`runDir: ${dir}: has mode 0777`) });
  });
});

describe('lock: a failing system is transient, not the config', () => {
  it('out of file descriptors (EMFILE) on the lock file is exit 1 (IO), not CONFIG (exit 2, which Sentinel never retries)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { dirname, join } = await import('node:path');
    const runDir = join(mkdtempSync(join(tmpdir(), 'vipctl-lock-emfile-')), 'run');
    const module = join(dirname(new URL(import.meta.url).pathname), '../../src/adapters/lock.ts');
    const script = `const { openSync } = await import('node:fs'); const { acquireLock } = await import(${JSON.stringify(module)});
      const fds = []; try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch {}
      try { (await acquireLock(${JSON.stringify(runDir)}, '198.18.0.100', 0)).release(); console.log(JSON.stringify({ ok: true })); } catch (e) { console.log(JSON.stringify({ code: e.code, exitCode: e.exitCode, message: e.message })); }`;
    const out = execFileSync('prlimit', ['--nofile=256:256', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toMatchObject({ code: 'IO', exitCode: 1, message: expect.stringContaining('EMFILE') });
  });
});
