/** The watcher's per-VIP locks on a kept descriptor (src/watch/kept-locks.ts): exclusive with acquireLock's as before, one checked open per file. */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { acquireLock, lockFile } from '../../src/adapters/lock';
import { KeptLocks } from '../../src/watch/kept-locks';

const VIP = '198.18.9.100';
const runDir = (): string => join(mkdtempSync(join(tmpdir(), 'vipctl-kept-')), 'run');
const kept: KeptLocks[] = [];
afterEach(() => {
  for (const k of kept.splice(0)) k.close();
});
const locks = (): KeptLocks => {
  const k = new KeptLocks();
  kept.push(k);
  return k;
};

it('opens the lock file through the checks once, then reuses it: each pass still holds the lock until it releases', async () => {
  const dir = runDir();
  const k = locks();
  for (let i = 0; i < 5; i++) {
    const l = await k.acquire(dir, VIP, 100);
    expect(l.path).toBe(lockFile(dir, VIP));
    // another entry point (the hook, a shell: acquireLock on the path) waits for it
    await expect(acquireLock(dir, VIP, 30)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    l.release();
    (await acquireLock(dir, VIP, 30)).release();
  }
  expect(k.checkedOpens).toBe(1);
});

it("waits for another entry point's lock, as acquireLock does", async () => {
  const dir = runDir();
  const k = locks();
  (await k.acquire(dir, VIP, 100)).release();
  const other = await acquireLock(dir, VIP, 100);
  await expect(k.acquire(dir, VIP, 30)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  other.release();
  (await k.acquire(dir, VIP, 100)).release();
});

it('a lock file removed or replaced behind its back: the next pass opens the new file through the checks (and locks the file the others lock)', async () => {
  const dir = runDir();
  const k = locks();
  (await k.acquire(dir, VIP, 100)).release();
  rmSync(lockFile(dir, VIP));
  const other = await acquireLock(dir, VIP, 100); // makes a new file
  await expect(k.acquire(dir, VIP, 30)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  other.release();
  (await k.acquire(dir, VIP, 100)).release();
  expect(k.checkedOpens).toBe(2);
  // replaced by rename: same again
  const tmp = join(dir, 'locks', 'new');
  writeFileSync(tmp, '', { mode: 0o600 });
  renameSync(tmp, lockFile(dir, VIP));
  const again = await acquireLock(dir, VIP, 100);
  await expect(k.acquire(dir, VIP, 30)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  again.release();
  (await k.acquire(dir, VIP, 100)).release();
});
