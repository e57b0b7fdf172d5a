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

/**
 * Fields 3 onwards of /proc/PID/stat (index 0 is field 3, the state), or null
 * when the process is gone. The command name (field 2) may hold spaces and
 * parentheses: the fields follow the last ") ".
 */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The process's state letter (R, S, T stopped, Z zombie...), or null when it is gone. */
export function processState(pid: number): string | null {
  return statFields(pid)?.[0]?.[0] ?? null;
}

/** Is there a process with this pid that has not exited? A zombie counts as exited. */
export function running(pid: number): boolean {
  const s = processState(pid);
  return s !== null && s !== 'Z';
}

/**
 * When a process started (field 22 of /proc/PID/stat, in clock ticks since
 * boot), or null when it is gone. A pid and its start time together name one
 * process: a reused pid has a later start time.
 */
export function startTime(pid: number): string | null {
  return statFields(pid)?.[22 - 3] ?? null;
}
