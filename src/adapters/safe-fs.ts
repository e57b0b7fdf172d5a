/**
 * Every directory and file vipctl writes goes through here (log file, run
 * dir, announcer pid files, lock files). vipctl runs as root or as a service
 * user (the watcher's `vipctl`, the hook's `redis`); a directory or file
 * another local user can write or plant would let that user turn our writes
 * against the system. Who is trusted is core/path-trust's one model for
 * every entry point: root, our own user and the members of the shared group
 * (`vipctl`). So:
 *
 * - directories are made with an explicit mode, given to the shared group
 *   (2770 for the run dir and locks/); an existing one must be a real
 *   directory (not a symlink), owned by a trusted user, writable by no one
 *   else (the group only when it is the shared one);
 * - files are opened with O_NOFOLLOW (a planted symlink fails, never
 *   followed) and O_NONBLOCK (a planted FIFO cannot block us), then fstat'ed:
 *   a regular file owned by a trusted user, one link, nothing for others to
 *   write (the group only when it is the shared one); a file we create gets
 *   the shared group and the owner's rights for it (umask-proof: fchmod);
 * - small files (pid files) are replaced atomically: written to a fresh
 *   O_EXCL temp file, then renamed over the name (rename replaces a planted
 *   symlink, it never follows it).
 *
 * Errors are UnsafePathError: the caller decides the exit code and key.
 */
import { chmodSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, lchownSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { ownershipRefusal, sharedMode, type Trust } from '../core/path-trust';
import { currentTrust } from './trust';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK, O_CLOEXEC } = constants as typeof constants & { O_CLOEXEC?: number };
const CLOEXEC = O_CLOEXEC ?? 0o2000000;

/** A path vipctl refuses to use; `fix` is what the operator should do. */
export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly fix: string,
    /** The errno of the system call that failed, when a call failed (ENOSPC, EMFILE...): then it may be transient, not unsafe. */
    readonly errno?: string,
  ) {
    super(`${path}: ${problem}; ${fix}`);
    this.name = 'UnsafePathError';
  }
}

function kind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  if (st.isFile()) return 'a regular file';
  return 'not a regular file';
}

/** Why an existing directory is not safe to write in, or null when it is. */
export function directoryProblem(path: string, st: Stats, options: { privateMode?: boolean } = {}, trust: Trust = currentTrust()): UnsafePathError | null {
  if (!st.isDirectory()) return new UnsafePathError(path, `is ${kind(st)}, not a directory`, `remove it or point the setting elsewhere`);
  const r = ownershipRefusal(path, st, trust, { directory: true, privateMode: options.privateMode });
  return r ? new UnsafePathError(path, r.problem, r.fix) : null;
}

/** Give what we just made to the shared group, with the owner's rights for it (best effort: a user outside the group cannot). */
function share(t: Trust, set: { chown: (gid: number) => void; chmod: (mode: number) => void }, mode: number, directory: boolean): void {
  if (t.gid === null) return;
  try {
    set.chown(t.gid);
  } catch {
    return; // not a member: the file keeps our group and mode, the checks say so to whoever needs it
  }
  set.chmod(sharedMode(mode, t, directory));
}

/**
 * Make sure `path` is a directory safe to write in: create it (and missing
 * parents) with `mode` when absent, else check it (not a symlink, owner root
 * or us, not writable by group/others; with `privateMode`, nothing at all for
 * group/others). Returns the directory.
 */
export function ensureSafeDir(path: string, mode: number, options: { privateMode?: boolean } = {}): string {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UnsafePathError(path, `cannot be read (${(e as NodeJS.ErrnoException).code})`, 'check the path', (e as NodeJS.ErrnoException).code);
    try {
      // Parents get the same mode; the leaf is made with mkdir(2), which never follows a symlink there.
      mkdirSync(dirname(path), { recursive: true, mode });
      mkdirSync(path, { mode });
      share(currentTrust(), { chown: (gid) => lchownSync(path, -1, gid), chmod: (m) => chmodSync(path, m) }, mode, true);
    } catch (me) {
      if ((me as NodeJS.ErrnoException).code !== 'EEXIST') throw new UnsafePathError(path, `cannot be created (${(me as NodeJS.ErrnoException).code})`, 'check the path and its parent', (me as NodeJS.ErrnoException).code);
    }
    st = lstatSync(path);
  }
  const problem = directoryProblem(path, st, options);
  if (problem) throw problem;
  return path;
}

/** Why an opened file is not safe, or null when it is: a regular file of a trusted user, one link, not writable by others (nor by a group but the shared one). */
export function fileProblem(path: string, st: Stats, options: { privateMode?: boolean } = {}, trust: Trust = currentTrust()): UnsafePathError | null {
  if (!st.isFile()) return new UnsafePathError(path, `is ${kind(st)}, not a regular file`, 'remove it');
  if (st.nlink !== 1) return new UnsafePathError(path, `has ${st.nlink} hard links`, 'remove it');
  const r = ownershipRefusal(path, st, trust, { directory: false, privateMode: options.privateMode });
  return r ? new UnsafePathError(path, r.problem, r.fix) : null;
}

function openChecked(path: string, flags: number, mode: number, options: { privateMode?: boolean } = {}): number {
  const t = currentTrust();
  const extra = O_NOFOLLOW | O_NONBLOCK | CLOEXEC;
  let fd: number;
  try {
    if ((flags & O_CREAT) === 0) fd = openSync(path, flags | extra);
    else {
      try {
        fd = openSync(path, flags | O_EXCL | extra, mode);
        const made = fd;
        share(t, { chown: (gid) => fchownSync(made, -1, gid), chmod: (m) => fchmodSync(made, m) }, mode, false);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        fd = openSync(path, (flags & ~O_CREAT) | extra);
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EEXIST') throw new UnsafePathError(path, 'is a symlink (not followed)', 'remove it');
    if (code === 'ENOENT') throw e;
    const fix = code === 'EACCES' ? `it must be usable by root and every service user: chgrp ${t.group} ${path} && chmod g+rw ${path} (the service users are members of group ${t.group})` : 'check it';
    throw new UnsafePathError(path, `cannot be opened (${code})`, fix, code);
  }
  try {
    const problem = fileProblem(path, fstatSync(fd), options, t);
    if (problem) throw problem;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

/** Open (create with `mode`) a file for appending, e.g. the log file. Returns the fd. */
export function openAppend(path: string, mode = 0o640): number {
  return openChecked(path, O_WRONLY | O_APPEND | O_CREAT, mode);
}

/** Open (create with 0600) a private file for reading, e.g. a lock file. Returns the fd. */
export function openPrivate(path: string): number {
  return openChecked(path, O_RDONLY | O_CREAT, 0o600, { privateMode: true });
}

/**
 * A small file's text (up to `maxBytes`), or null when there is none. Refuses
 * (UnsafePathError) a symlink, FIFO, device or a file not ours.
 */
export function readSmallFile(path: string, maxBytes = 4096): string | null {
  let fd: number;
  try {
    fd = openChecked(path, O_RDONLY, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const buf = Buffer.alloc(maxBytes);
    const n = readSync(fd, buf, 0, maxBytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Replace `path` with `text`: a fresh temp file beside it (O_EXCL, `mode`),
 * then rename(2) over the name. A symlink or FIFO planted as `path` is
 * replaced, never followed or opened.
 */
export function replaceFile(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | CLOEXEC, mode);
  } catch (e) {
    throw new UnsafePathError(tmp, `cannot be created (${(e as NodeJS.ErrnoException).code})`, 'check the directory', (e as NodeJS.ErrnoException).code);
  }
  try {
    const made = fd;
    share(currentTrust(), { chown: (gid) => fchownSync(made, -1, gid), chmod: (m) => fchmodSync(made, m) }, mode, false);
    writeSync(fd, text);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UnsafePathError(path, `cannot be replaced (${(e as NodeJS.ErrnoException).code})`, 'check it', (e as NodeJS.ErrnoException).code);
  }
}

/** Remove a name (unlink(2) never follows a symlink). Missing is fine. */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
