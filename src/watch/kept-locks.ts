/**
 * The per-VIP lock (adapters/lock.ts) for the watcher's passes, without the
 * checked open on every pass. acquireLock opens the lock file through the
 * run dir's checks each time (ensureSafeDir on the run dir and `locks/`, an
 * O_NOFOLLOW open, fstat): ~0.5 ms, with 50 masters and a pass a second
 * each 2-3 % of a core at rest (docs-incoming/idle.md). The watcher opens
 * each VIP's file once through those checks and keeps that descriptor; each
 * pass then opens the kept file again through /proc/self/fd/N (a new open
 * file description of the very same file, and flock is per description: the
 * pass's lock excludes the hook's and a shell's exactly as before, and
 * closing it frees it, as before), after checking that the path still names
 * that file (stat of the path against fstat of the kept descriptor). A file
 * removed or replaced, or any error: the checked open again, and that one is
 * kept. close() closes every kept descriptor.
 */
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { acquireLock, lockFile, openLockFile, type Lock } from '../adapters/lock';

interface Kept {
  path: string;
  fd: number;
  dev: number;
  ino: number;
}

export class KeptLocks {
  private readonly kept = new Map<string, Kept>();
  /** Opens through the run dir's checks so far (tests, the bench). */
  checkedOpens = 0;

  /** acquireLock's signature (converge's deps.acquireLock). */
  acquire = (runDir: string, vip: string, timeoutMs: number): Promise<Lock> => acquireLock(runDir, vip, timeoutMs, (r, v) => this.open(r, v));

  private open(runDir: string, vip: string): { path: string; fd: number } {
    const path = lockFile(runDir, vip);
    const k = this.kept.get(path);
    if (k) {
      try {
        const s = statSync(path, { bigint: false });
        if (s.dev === k.dev && s.ino === k.ino) return { path, fd: openSync(`/proc/self/fd/${k.fd}`, constants.O_RDONLY | constants.O_NONBLOCK) };
      } catch {
        /* gone, or cannot reopen: the checked open below */
      }
      this.forget(path);
    }
    const o = openLockFile(runDir, vip);
    this.checkedOpens++;
    try {
      // the descriptor the pass locks stays its own (closed by release); a second one, of the same file, is kept
      const fd = openSync(`/proc/self/fd/${o.fd}`, constants.O_RDONLY);
      const s = fstatSync(fd);
      this.kept.set(path, { path, fd, dev: s.dev, ino: s.ino });
    } catch {
      /* not kept: the next pass opens through the checks again */
    }
    return o;
  }

  private forget(path: string): void {
    const k = this.kept.get(path);
    if (!k) return;
    this.kept.delete(path);
    try {
      closeSync(k.fd);
    } catch {
      /* already closed */
    }
  }

  close(): void {
    for (const p of [...this.kept.keys()]) this.forget(p);
  }
}
