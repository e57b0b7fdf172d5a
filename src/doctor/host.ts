/**
 * What doctor's checks read about this host's processes, behind one
 * interface so that the checks can be unit-tested with fakes
 * (test/doctor/*). The default reads /proc and runs ss.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { procHiddenReason, procMountOptions } from '../core/doctor-mode';
import { listeningSockets, procEnv, procStatus } from '../adapters/host';
import { watchPid, watchPidFile } from '../adapters/watch-pid';

export interface DoctorHost {
  euid: number;
  /** The pid written in <runDir>/watch.pid, whether or not it runs (null: no file). */
  recordedWatchPid(runDir: string): number | null;
  /** That pid when /proc confirms a running `vipctl watch`. */
  watchPid(runDir: string): number | null;
  procStatus(pid: number | 'self'): string | null;
  procEnv(pid: number, name: string): string | null | 'unreadable';
  /** Why this user cannot see other users' processes, or null. */
  procHidden(): string | null;
  /** `ss -ltnH` (-p: with the owning processes, which ss shows for other users' sockets to root only). */
  listeningSockets(withProcesses: boolean): Promise<string | null>;
  /** `path` is a unix socket (lstat): the package's hook helper listening. */
  isSocket(path: string): boolean;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export const systemHost: DoctorHost = {
  euid: process.geteuid?.() ?? 0,
  recordedWatchPid(runDir) {
    const n = Number(readOr(watchPidFile(runDir))?.trim());
    return Number.isInteger(n) && n > 1 ? n : null;
  },
  watchPid,
  procStatus,
  procEnv,
  procHidden: () => procHiddenReason(process.geteuid?.() ?? 0, procMountOptions(readOr('/proc/self/mountinfo') ?? '')),
  listeningSockets,
  isSocket(path) {
    try {
      return lstatSync(path).isSocket();
    } catch {
      return false;
    }
  },
};
