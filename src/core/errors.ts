/**
 * One error type for the whole tool. `code` says what went wrong; the exit
 * code follows from it (CONTRACT: 0 done, 1 transient, 2 permanent).
 */
export const EXIT_CODES = {
  USAGE: 2, // bad arguments: wrong count, not an IP, not a port, unknown command
  CONFIG: 2, // bad or unreadable config file
  UNKNOWN_MASTER: 2, // master name not in the config
  REFUSED: 1, // a safety check said no (another host answers for the VIP)
  LOCK_TIMEOUT: 1, // another vipctl held the per-VIP lock too long
  EXEC: 1, // an external command (ip, arping) failed
  SENTINEL: 1, // Sentinel unreachable or no majority
  RESOLVE: 1, // a host name Sentinel gave did not resolve (in time)
  LAB: 1, // the namespace lab failed to build or to run a step
  UNSAFE: 2, // a file or directory vipctl would act on is not provably its own (owner, mode, symlink)
  IO: 1, // a system call failed for a reason that can pass (ENOSPC, EMFILE, EIO, EROFS...): never a config problem
} as const;

export type ErrorCode = keyof typeof EXIT_CODES;

export interface ErrorDetails {
  /** Config key or argument the problem is about, e.g. `masters.mymaster.vip`. */
  key?: string;
  /** Every problem found, when there are several (config validation). */
  problems?: string[];
  [extra: string]: unknown;
}

export class VipctlError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: 1 | 2;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VipctlError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.details = details;
  }
}

/**
 * errno codes that say the path or its permissions are wrong (the operator must
 * fix the config or the host: exit 2 is right). Every other errno from a
 * system call (ENOSPC, EDQUOT, EMFILE, ENFILE, EIO, ENOMEM, EAGAIN, EROFS,
 * EBUSY, ENOLCK...) can pass by itself: exit 1, so that Sentinel retries.
 */
const PERMANENT_ERRNOS: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG', 'EACCES', 'EPERM']);

/** Is this errno code (`ENOSPC`...) one that a retry may get past? Anything not known to be permanent is. */
export function isTransientErrno(code: string | undefined): boolean {
  return code !== undefined && /^E[A-Z0-9]+$/.test(code) && !PERMANENT_ERRNOS.has(code);
}

/** Exit code for anything thrown: ours carry one; anything else is treated as transient. */
export function exitCodeOf(error: unknown): 1 | 2 {
  return error instanceof VipctlError ? error.exitCode : 1;
}
