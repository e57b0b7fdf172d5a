/**
 * `<runDir>/watch.pid`: lets `vipctl doctor` see that a watcher runs
 * (it reads the file with adapters/watch-pid.ts). Written through safe-fs,
 * in the run dir checked as every other vipctl file there.
 */
import { safeRunDir } from './announce';
import { VipctlError } from '../core/errors';
import { readSmallFile, removeFile, replaceFile } from './safe-fs';
import { watchPidFile } from './watch-pid';

export { watchPidFile };

/**
 * Write the pid file. Only an unsafe run dir throws (CONFIG, exit 2: the
 * locks live there too); a failing write (a full or read-only run dir) is
 * returned as `error`: the file is for `doctor` only, and the watcher runs
 * without it.
 */
export function writeWatchPid(runDir: string, pid: number = process.pid): { file: string; error?: string } {
  let dir: string;
  try {
    dir = safeRunDir(runDir);
  } catch (e) {
    if (e instanceof VipctlError && e.code === 'CONFIG') throw e;
    return { file: watchPidFile(runDir), error: (e as Error).message };
  }
  const file = watchPidFile(dir);
  try {
    replaceFile(file, `${pid}\n`, 0o644);
    return { file };
  } catch (e) {
    return { file, error: (e as Error).message };
  }
}

/** Remove the pid file if it still names `pid` (a newer watcher may have replaced it). Never throws: an exit must not fail on it. */
export function removeWatchPid(runDir: string, pid: number = process.pid): void {
  const file = watchPidFile(runDir);
  try {
    if (Number(readSmallFile(file)?.trim()) === pid) removeFile(file);
  } catch {
    // not ours to touch (UnsafePathError), or a failing run dir: the stale file names a pid that is gone
  }
}
