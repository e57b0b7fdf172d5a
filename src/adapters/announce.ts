/**
 * The announcer of a VIP. IPv4: gratuitous ARP through iputils `arping`.
 * IPv6: unsolicited Neighbour Advertisements through libndp's `ndptool`, one
 * per run: the first is sent before the bind returns, the rest by a detached
 * `node dist/ndp-announce.cjs` (src/ndp-announce.ts), which is then this
 * VIP's announcer (its pid file, its stop before an unbind). IPv4 details: The announcer is one detached
 * `arping -c COUNT -i INTERVAL` process: it sends its first packet as soon as
 * it starts, the rest in the background after vipctl has exited. arping
 * fails within a few ms when it cannot work (no device, source not local, no
 * CAP_NET_RAW), so we wait a short grace period for such an exit and report
 * it instead of losing it. The pid is kept in the run dir so that an unbind
 * can stop it: an announcer must never outlive the VIP on this host.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTransientErrno, VipctlError } from '../core/errors';
import { cmdline } from './proc';
import { ensureSafeDir, readSmallFile, removeFile, replaceFile, UnsafePathError } from './safe-fs';
import { CHILD_ENV, resolveArgv } from './system';
import { inSea } from './sea';
import { ndpRepeatTail, type NdpRepeatArgs } from '../core/ndp-repeat';

/** The IPv6 repeater, next to the bundle that runs this (dist/; the CommonJS hook bundle defines import.meta.url). */
export const NDP_REPEATER = 'ndp-announce.cjs';

/** The single executable (the package's /usr/bin/vipctl) runs the repeater itself, told by this hidden first argument (src/sea.ts). */
export const NDP_SEA_ARG = '__ndp-announce';

export function ndpRepeaterArgv(a: NdpRepeatArgs, sea = inSea()): string[] {
  const entry = sea ? NDP_SEA_ARG : fileURLToPath(new URL(`./${NDP_REPEATER}`, import.meta.url));
  return [process.execPath, entry, ...ndpRepeatTail(a)];
}

/**
 * Is this command line (from /proc/PID/cmdline) an announcer vipctl started
 * for `vip`? arping with the VIP last, or node running the IPv6 repeater with
 * the VIP last. Anything else (a reused pid) is never signalled.
 */
export function isAnnouncerOf(argv: readonly string[] | null, vip: string): boolean {
  if (!argv || argv.length < 2 || argv[argv.length - 1] !== vip) return false;
  if (argv[0]!.endsWith('/arping') || argv[0] === 'arping') return true;
  return argv[1]!.endsWith(`/${NDP_REPEATER}`) || argv[1] === NDP_SEA_ARG;
}

/** How long to watch a fresh arping for an early failure. */
export const ANNOUNCE_GRACE_MS = 15;

export function announcerPidFile(runDir: string, vip: string): string {
  return join(runDir, `announce-${vip}.pid`);
}


/** The run dir, checked (created 0700 when missing); a bad one is the config's fault (exit 2). */
export function safeRunDir(runDir: string): string {
  try {
    return ensureSafeDir(runDir, 0o700);
  } catch (e) {
    if (e instanceof UnsafePathError) throw new VipctlError(isTransientErrno(e.errno) ? 'IO' : 'CONFIG', `runDir: ${e.message}`, { key: 'runDir' });
    throw e;
  }
}

/**
 * The recorded announcer pid, or null. The file is read without following a
 * symlink and without blocking on a FIFO; anything but a regular file of ours
 * cannot be one vipctl wrote, so it is removed and ignored.
 */
function readPid(file: string): number | null {
  let text: string | null;
  try {
    text = readSmallFile(file, 64);
  } catch (e) {
    // a call that failed (EMFILE, EIO...) says nothing about the file: leave it for the next stop
    if (!(e instanceof UnsafePathError) || e.errno !== undefined) return null;
    text = null;
  }
  try {
    removeFile(file);
  } catch {
    // a read-only or failing run dir: the pid is still good; the stale file is harmless (the pid is checked before any kill)
  }
  return text === null ? null : Number(text.trim());
}

/**
 * Announcers whose pid file could not be written (a full or read-only run
 * dir): this process still knows them, so its own unbind can stop them (the
 * watcher's case). Another process (the next hook) cannot; such an announcer
 * ends by itself after announce.count packets.
 */
const unrecorded = new Map<string, number>();
const unrecordedKey = (runDir: string, vip: string): string => `${runDir}\0${vip}`;

/** Stop the announcer of `vip` if it still runs. Returns its pid when one was stopped. */
export function stopAnnouncer(runDir: string, vip: string): number | null {
  const key = unrecordedKey(runDir, vip);
  const remembered = unrecorded.get(key);
  unrecorded.delete(key);
  let file: string | null;
  try {
    file = announcerPidFile(safeRunDir(runDir), vip);
  } catch (e) {
    // an unsafe run dir stops everything (exit 2); a failing one (full, read-only) must not stop an unbind
    if (!(e instanceof VipctlError && e.code === 'IO')) throw e;
    file = null;
  }
  const pid = (file === null ? null : readPid(file)) ?? remembered ?? null;
  if (pid === null) return null;
  if (!Number.isInteger(pid) || pid <= 1) return null;
  // Only kill what is really our announcer for this VIP (the pid may have been reused).
  if (!isAnnouncerOf(cmdline(pid), vip)) return null;
  try {
    process.kill(pid, 'SIGTERM');
    return pid;
  } catch {
    return null;
  }
}

export interface Announcer {
  pid: number;
  /** Why the pid file could not be written (the announcer runs anyway: the ARP matters more than the file). */
  pidFileError?: string;
}

export function startAnnouncer(argv: readonly string[], runDir: string, vip: string, graceMs = ANNOUNCE_GRACE_MS): Promise<Announcer> {
  try {
    stopAnnouncer(runDir, vip); // also checks the run dir before anything starts
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    const [file, ...args] = resolveArgv(argv);
    const child = spawn(file!, args, {
      detached: true, // own session: survives us, and Sentinel's kill of the hook
      stdio: ['ignore', 'ignore', 'pipe'],
      env: CHILD_ENV,
    });
    let err = '';
    let settled = false;
    const finish = (e: VipctlError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stderr?.destroy();
      child.removeAllListeners();
      child.unref();
      if (e) return reject(e);
      try {
        // temp file + rename: a symlink or FIFO planted as the pid file is replaced, never written through
        replaceFile(announcerPidFile(runDir, vip), `${child.pid}\n`, 0o600);
      } catch (werr) {
        // A full or read-only run dir must not cost the failover its ARP: the announcer
        // keeps running (it stops by itself after its count); this process remembers it.
        unrecorded.set(unrecordedKey(runDir, vip), child.pid!);
        return resolve({ pid: child.pid!, pidFileError: `pid file not written (${(werr as Error).message})` });
      }
      resolve({ pid: child.pid! });
    };
    const timer = setTimeout(() => finish(null), graceMs);
    child.on('error', (e) => finish(new VipctlError('EXEC', `${argv.join(' ')}: ${e.message}`)));
    // 'close', not 'exit': only then has all of arping's stderr (the reason it failed) been read.
    child.on('close', (code, signal) => {
      if (code === 0) return finish(null);
      finish(new VipctlError('EXEC', `${argv.join(' ')}: ${signal ?? `exit ${code}`}${err.trim() ? `: ${err.trim().split('\n').pop()}` : ''}`));
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  });
}
