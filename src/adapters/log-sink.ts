/**
 * Where vipctl's log lines go: the log file and stderr, written synchronously
 * (a hook that exits right after logging loses nothing), and never at the
 * cost of an action. Every write may fail (ENOSPC, EDQUOT, EACCES, EROFS, EIO,
 * the file removed or replaced by a directory; stderr closed or a broken
 * pipe): the sink never throws. A failed file write closes the file; the
 * lines go on to stderr; the file is opened again RETRY_MS later. Failures
 * are counted (process-wide: `logWriteErrors()`, the watcher's
 * vipctl_log_write_errors_total) and said on stderr, at most once per
 * NOTICE_MS (a `log-write-error` line with how many failed since the last
 * one). A log file that was removed or renamed (logrotate) is noticed within
 * CHECK_MS and opened again under its name.
 */
import { closeSync, fstatSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureSafeDir, openAppend, UnsafePathError } from './safe-fs';

export const RETRY_MS = 5000;
export const NOTICE_MS = 60_000;
export const CHECK_MS = 1000;

let totalErrors = 0;

/** Log writes that failed in this process (file and stderr), since it started. */
export function logWriteErrors(): number {
  return totalErrors;
}

export interface LogSinkOptions {
  file: string | null;
  /** Write every line to stderr too (default true). */
  stderr?: boolean;
  /** Fields of the sink's own notice lines (cmd...). */
  bindings?: Record<string, unknown>;
  /** For tests: the clock (ms), the stderr fd, how the file is opened. */
  now?: () => number;
  stderrFd?: number;
  openFile?: (path: string) => number;
}

/** Why an open of the log file failed, for the `log-file-error` line: a refusal (unsafe path) or an error. */
export function describeOpenError(file: string, e: unknown): string {
  return e instanceof UnsafePathError && e.errno === undefined ? `log.file: refusing ${e.message}; logging to stderr only` : `cannot open log file ${file}: ${(e as Error).message}; logging to stderr, retrying every ${RETRY_MS / 1000} s`;
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof UnsafePathError ? (e.errno ?? 'EUNSAFE') : (e as Error).message);
}

/** The default way of opening: the directory made or checked (0750), the file opened for appending (0640) without following a symlink. */
export function openLogFile(path: string): number {
  ensureSafeDir(dirname(path), 0o750);
  return openAppend(path, 0o640);
}

/** Write all of `buf`; on failure the error carries `written`, the bytes that did get out (a partial line). */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  try {
    while (off < buf.length) {
      const n = writeSync(fd, buf, off, buf.length - off);
      if (n <= 0) throw Object.assign(new Error('write wrote nothing'), { code: 'EIO' });
      off += n;
    }
  } catch (e) {
    throw Object.assign(e as object, { written: off });
  }
}

export class LogSink {
  /** Failed writes of this sink (the process-wide total is logWriteErrors()). */
  errors = 0;
  /** Why the file could not be opened at start, if it could not. */
  readonly openError: string | undefined;
  private fd: number | null = null;
  private retryAt = 0;
  private checkedAt = 0;
  private ino = 0;
  private dev = 0;
  private noticeAt = -Infinity;
  private unnoticed = 0;
  private fileDown = false;
  private closed = false;
  /** The last file write got part of a line out: the next one starts on a new line. */
  private partial = false;
  private readonly now: () => number;
  private readonly stderrFd: number;
  private readonly open: (path: string) => number;
  private readonly useStderr: boolean;

  constructor(private readonly o: LogSinkOptions) {
    this.now = o.now ?? Date.now;
    this.stderrFd = o.stderrFd ?? 2;
    this.open = o.openFile ?? openLogFile;
    this.useStderr = o.stderr !== false;
    if (o.file) {
      try {
        this.adopt(this.open(o.file));
      } catch (e) {
        // said by the caller's `log-file-error` line; counted, and tried again later like any failure
        this.openError = describeOpenError(o.file, e);
        this.errors++;
        totalErrors++;
        this.fileDown = true;
        this.noticeAt = this.now();
        this.retryAt = this.now() + RETRY_MS;
      }
    }
  }

  /** pino calls this with one serialised line (newline included). Never throws. */
  write(line: string): void {
    const buf = Buffer.from(line);
    const toFile = this.writeFile(buf);
    // stderr: always when asked; else only when the file could not take the line
    if (this.useStderr || (!toFile && this.o.file)) this.writeStderr(buf);
  }

  /** Close the file (SIGHUP replaces the sink). Later lines go to stderr only. */
  close(): void {
    this.closed = true;
    this.drop();
  }

  /** Is the file open now (tests, status)? */
  get fileOpen(): boolean {
    return this.fd !== null;
  }

  private adopt(fd: number): void {
    this.fd = fd;
    try {
      const st = fstatSync(fd);
      [this.ino, this.dev] = [st.ino, st.dev];
    } catch {
      [this.ino, this.dev] = [0, 0];
    }
    this.checkedAt = this.now();
  }

  private drop(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      /* closing a failed fd may fail too */
    }
    this.fd = null;
  }

  private writeFile(buf: Buffer): boolean {
    const file = this.o.file;
    if (!file || this.closed) return false;
    const now = this.now();
    if (this.fd !== null && now - this.checkedAt >= CHECK_MS) this.checkStillThere(file, now);
    if (this.fd === null) {
      if (now < this.retryAt) return false;
      try {
        this.adopt(this.open(file));
      } catch (e) {
        this.failed('file', e, `cannot open log file ${file}`);
        return false;
      }
    }
    try {
      writeAll(this.fd!, this.partial ? Buffer.concat([Buffer.from('\n'), buf]) : buf);
      this.partial = false;
      if (this.fileDown) {
        this.fileDown = false;
        this.notice('log-file-recovered', `log file ${file} is written again (${this.errors} failed write(s) so far)`, { path: file }, true);
      }
      return true;
    } catch (e) {
      if (((e as { written?: number }).written ?? 0) > 0) this.partial = true;
      this.failed('file', e, `cannot write log file ${file}`);
      return false;
    }
  }

  /** The name now points at another file, a directory or nothing (removed, rotated): open it again. */
  private checkStillThere(file: string, now: number): void {
    this.checkedAt = now;
    let same = false;
    try {
      const st = statSync(file);
      same = st.isFile() && st.ino === this.ino && st.dev === this.dev;
    } catch {
      same = false;
    }
    if (!same) this.drop(); // reopened at once (retryAt is in the past)
  }

  private writeStderr(buf: Buffer): void {
    try {
      writeAll(this.stderrFd, buf);
    } catch (e) {
      // EPIPE, EBADF, EAGAIN (a full non-blocking pipe: never wait on it)
      this.failed('stderr', e, 'cannot write to stderr');
    }
  }

  private failed(target: 'file' | 'stderr', e: unknown, what: string): void {
    this.errors++;
    totalErrors++;
    this.unnoticed++;
    if (target === 'file') {
      this.drop();
      this.fileDown = true;
      this.retryAt = this.now() + RETRY_MS;
    }
    const now = this.now();
    if (now - this.noticeAt < NOTICE_MS) return;
    const count = this.unnoticed;
    this.notice(
      'log-write-error',
      `${what}: ${errnoOf(e)}; ${target === 'file' ? `logging to stderr, retrying the file every ${RETRY_MS / 1000} s` : 'lines to stderr are lost'} (${count} failed write(s) since the last notice; said at most once a minute)`,
      { target, error: errnoOf(e), failedWrites: count, ...(this.o.file ? { path: this.o.file } : {}) },
      target === 'stderr',
    );
  }

  /** One line of the sink's own, as pino would write it: on stderr, and in the file when `toFile` (stderr is what failed, or the file is back). */
  private notice(event: string, msg: string, fields: Record<string, unknown>, toFile: boolean): void {
    if (event === 'log-write-error') {
      this.noticeAt = this.now();
      this.unnoticed = 0;
    }
    const line = Buffer.from(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, ...this.o.bindings, event, ...fields, msg })}\n`);
    try {
      writeAll(this.stderrFd, line);
    } catch {
      /* stderr is what fails: the file may still take it */
    }
    if (toFile && this.fd !== null) {
      try {
        writeAll(this.fd, line);
      } catch {
        /* counted by the next line's write */
      }
    }
  }
}
