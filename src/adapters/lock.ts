/**
 * The per-VIP lock: flock(2) on `<runDir>/locks/vip-<VIP>.lock`.
 *
 * - Only root and vipctl's service users can take or disturb it: the locks
 *   directory is 2770 and the file 0660, both of the shared group vipctl
 *   (0700/0600 where no such group exists), owned by a trusted user and
 *   checked with fstat after an O_NOFOLLOW open (core/path-trust). Another
 *   local user cannot open the file, so cannot hold it, and there is no
 *   socket to connect to.
 * - The kernel frees it when the holder exits, even on SIGKILL: the lock lives
 *   on the open file, not in the file's contents; the file stays and is reused.
 * - It is per run dir: the hook, the watcher and root at a shell on one host
 *   share config.runDir (whichever made the file, the others can open it);
 *   each lab node has its own ($VIPCTL_RUN_DIR).
 * `fuser <runDir>/locks/vip-<VIP>.lock` or `lslocks` shows the holder.
 * flock itself comes from fs-ext's native addon, prebuilt in the package (flock.ts).
 */
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { isTransientErrno, VipctlError } from '../core/errors';
import { flockExclusiveNb } from './flock';
import { ensureSafeDir, openPrivate, UnsafePathError } from './safe-fs';

export interface Lock {
  path: string;
  /** ms spent waiting for another holder; 0 when the lock was free at once. */
  waitedMs: number;
  /** Close the file: frees the lock. Safe to call twice. */
  release(): void;
}

export function lockFile(runDir: string, vip: string): string {
  return join(runDir, 'locks', `vip-${vip}.lock`);
}

/** Open the lock file for `vip` under runDir, creating the locks directory (2770, or 0700 without the group) and file (0660, or 0600) as needed. */
export function openLockFile(runDir: string, vip: string): { path: string; fd: number } {
  const path = lockFile(runDir, vip);
  try {
    ensureSafeDir(runDir, 0o700);
    ensureSafeDir(join(runDir, 'locks'), 0o700, { privateMode: true });
    return { path, fd: openPrivate(path) };
  } catch (e) {
    // a full, read-only or fd-starved run dir is transient (exit 1, Sentinel retries); only an unsafe one is the config's fault
    if (e instanceof UnsafePathError) throw new VipctlError(isTransientErrno(e.errno) ? 'IO' : 'CONFIG', `runDir: ${e.message}`, { key: 'runDir' });
    throw e;
  }
}

function tryLock(fd: number): boolean {
  try {
    flockExclusiveNb(fd);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
    throw new VipctlError('IO', `lock: flock failed (${code ?? (e as Error).message})`, {}, { cause: e });
  }
}

/** `open`: how the lock file is opened (default openLockFile; the watcher reopens a file it keeps: src/watch/kept-locks.ts). */
export async function acquireLock(runDir: string, vip: string, timeoutMs: number, open: typeof openLockFile = openLockFile): Promise<Lock> {
  const { path, fd } = open(runDir, vip);
  const started = performance.now();
  let delay = 2;
  try {
    for (let attempt = 0; ; attempt++) {
      if (tryLock(fd)) {
        let open = true;
        return {
          path,
          waitedMs: attempt === 0 ? 0 : Math.round(performance.now() - started),
          release: () => {
            if (open) closeSync(fd);
            open = false;
          },
        };
      }
      if (performance.now() - started >= timeoutMs) {
        throw new VipctlError('LOCK_TIMEOUT', `lock ${path} still held after ${timeoutMs} ms (see: fuser -v ${path})`);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 50);
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
