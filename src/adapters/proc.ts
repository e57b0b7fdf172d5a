/** What /proc says about a process. */
import { readFileSync } from 'node:fs';

/** argv of a process, or null when it is gone (a zombie has none). */
export function cmdline(pid: number): string[] | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv.length > 0 ? argv : null;
  } catch {
    return null;
  }
}

/** The process's state letter from /proc/PID/stat (R, S, T stopped, Z zombie...), or null when it is gone. */
export function processState(pid: number): string | null {
  try {
    // The command name (field 2) may hold spaces and parentheses: the state follows the last ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2)[0] ?? null;
  } catch {
    return null;
  }
}

/** Is there a process with this pid that has not exited? A zombie counts as exited. */
export function running(pid: number): boolean {
  const s = processState(pid);
  return s !== null && s !== 'Z';
}
