/**
 * JSON-line logging (pino) to stderr and, when configured, to a log file.
 * Sentinel throws script output away, so the file is what an operator reads.
 * Writes are synchronous: a hook that exits right after logging loses nothing.
 */
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { ensureSafeDir, openAppend, UnsafePathError } from './safe-fs';

export type { Logger };

export interface LogOptions {
  file: string | null;
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Also write to stderr (default true). */
  stderr?: boolean;
}

export function createLogger(options: LogOptions, bindings: Record<string, unknown> = {}): { logger: Logger; fileError?: string } {
  const streams: pino.StreamEntry[] = [];
  if (options.stderr !== false) streams.push({ level: options.level, stream: pino.destination({ fd: 2, sync: true }) });
  let fileError: string | undefined;
  if (options.file) {
    // Root appends here: the directory must be ours (not group/other-writable),
    // the file a regular file of ours, opened without following a symlink. A
    // bad log path does not stop the failover: the lines go to stderr, with a warning.
    try {
      ensureSafeDir(dirname(options.file), 0o750);
      streams.push({ level: options.level, stream: pino.destination({ fd: openAppend(options.file, 0o640), sync: true }) });
    } catch (e) {
      fileError = e instanceof UnsafePathError ? `log.file: refusing ${e.message}; logging to stderr only` : `cannot open log file ${options.file}: ${(e as Error).message}`;
    }
  }
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.multistream(streams),
  );
  if (fileError) logger.warn({ event: 'log-file-error' }, fileError);
  return { logger, ...(fileError ? { fileError } : {}) };
}

/** One line per config-file warning (event "config-warning"), so the operator sees it in the log. */
export function logConfigWarnings(logger: Logger, warnings: readonly string[]): void {
  for (const w of warnings) logger.warn({ event: 'config-warning', reason: w }, w);
}
