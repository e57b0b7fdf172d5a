/**
 * `<runDir>/watch.pid`: lets `vipctl doctor` see that a watcher runs
 * (it reads the file with adapters/watch-pid.ts). All
 * writing goes through writeWatchPid (the one place to switch to a safe
 * file writer).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { watchPidFile } from './watch-pid';

export { watchPidFile };

export function writeWatchPid(runDir: string, pid: number = process.pid): string {
  const file = watchPidFile(runDir);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(file, `${pid}\n`, { mode: 0o644 });
  return file;
}

/** Remove the pid file if it still names `pid` (a newer watcher may have replaced it). */
export function removeWatchPid(runDir: string, pid: number = process.pid): void {
  const file = watchPidFile(runDir);
  try {
    if (Number(readFileSync(file, 'utf8').trim()) === pid) rmSync(file, { force: true });
  } catch {
    /* already gone */
  }
}
