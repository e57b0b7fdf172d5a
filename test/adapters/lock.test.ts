import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { acquireLock, vipLockName } from '../../src/adapters/lock';

const unique = (): string => `test-${process.pid}-${Math.random().toString(36).slice(2)}`;

describe('per-VIP lock (abstract Unix socket)', () => {
  it('names the lock after the VIP', () => {
    expect(vipLockName('10.0.0.100')).toBe('vip-10.0.0.100');
  });

  it('is exclusive until released', async () => {
    const name = unique();
    const first = await acquireLock(name, 100);
    await expect(acquireLock(name, 60)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', exitCode: 1 });
    await first.release();
    const second = await acquireLock(name, 100);
    await second.release();
  });

  it('a waiter gets the lock as soon as the holder releases it', async () => {
    const name = unique();
    const first = await acquireLock(name, 100);
    const waiting = acquireLock(name, 2000);
    setTimeout(() => void first.release(), 100);
    const second = await waiting;
    expect(second.waitedMs).toBeGreaterThanOrEqual(90);
    await second.release();
  });

  it('serialises concurrent takers: never two holders at once', async () => {
    const name = unique();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const l = await acquireLock(name, 5000);
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        await l.release();
      }),
    );
    expect(most).toBe(1);
  });

  it('is freed by the kernel when the holder is SIGKILLed (no stale lock)', async () => {
    const name = unique();
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('../fixtures/hold-lock.mjs', import.meta.url).pathname, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });
    await expect(acquireLock(name, 50)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    child.kill('SIGKILL');
    const l = await acquireLock(name, 3000);
    await l.release();
  });
});

describe('lock wait accounting', () => {
  it('reports no wait when the lock was free', async () => {
    const l = await acquireLock(`free-${process.pid}-${Math.random()}`, 100);
    expect(l.waitedMs).toBe(0);
    await l.release();
  });
});
