/** Is `vipctl watch` running on this host? Its pid is in `<runDir>/watch.pid`; /proc must confirm it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmdline } from './proc';

export function watchPidFile(runDir: string): string {
  return join(runDir, 'watch.pid');
}

/** The pid of a running `vipctl watch`, or null (no pid file, or the pid is gone or something else). */
export function watchPid(runDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(watchPidFile(runDir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1) return null;
  const argv = cmdline(pid);
  if (!argv) return null;
  const i = argv.findIndex((a) => /vipctl$|cli\.mjs$/.test(a));
  return i >= 0 && argv.slice(i + 1).includes('watch') ? pid : null;
}
