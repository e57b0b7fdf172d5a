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

/** Is there a process with this pid that has not exited? A zombie counts as exited. */
export function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * When a process started (field 22 of /proc/PID/stat, in clock ticks since
 * boot), or null when it is gone. A pid and its start time together name one
 * process: a reused pid has a later start time.
 */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may hold spaces and parentheses: count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[22 - 3] ?? null;
  } catch {
    return null;
  }
}
