/**
 * `<runDir>/watch.pid`: lets `vipctl doctor` see that a watcher runs
 * (it reads the file with adapters/watch-pid.ts). Written through safe-fs,
 * in the run dir checked as every other vipctl file there.
 */
import { safeRunDir } from './announce';
import { readSmallFile, removeFile, replaceFile, UnsafePathError } from './safe-fs';
import { watchPidFile } from './watch-pid';

export { watchPidFile };

export function writeWatchPid(runDir: string, pid: number = process.pid): string {
  const file = watchPidFile(safeRunDir(runDir));
  replaceFile(file, `${pid}\n`, 0o644);
  return file;
}

/** Remove the pid file if it still names `pid` (a newer watcher may have replaced it). */
export function removeWatchPid(runDir: string, pid: number = process.pid): void {
  const file = watchPidFile(runDir);
  try {
    if (Number(readSmallFile(file)?.trim()) === pid) removeFile(file);
  } catch (e) {
    if (!(e instanceof UnsafePathError)) throw e; // not ours to touch
  }
}
