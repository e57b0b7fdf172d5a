/**
 * JSON-line logging (pino) to stderr and, when configured, to a log file.
 * Sentinel throws script output away, so the file is what an operator reads.
 * pino only formats the lines; ./log-sink writes them, synchronously (a hook
 * that exits right after logging loses nothing) and never at an action's
 * cost: a write that fails is counted and said on stderr, never thrown.
 */
import pino, { type Logger } from 'pino';
import { LogSink } from './log-sink';

export type { Logger };
export { logWriteErrors } from './log-sink';

export interface LogOptions {
  file: string | null;
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Also write to stderr (default true). */
  stderr?: boolean;
}

export function createLogger(options: LogOptions, bindings: Record<string, unknown> = {}): { logger: Logger; fileError?: string; sink: LogSink } {
  // Root appends to the file: the directory must be ours (not group/other-writable),
  // the file a regular file of ours, opened without following a symlink (./log-sink).
  // A bad log path does not stop the failover: the lines go to stderr, with a warning.
  const sink = new LogSink({ file: options.file, stderr: options.stderr !== false, bindings });
  const fileError = sink.openError;
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    sink,
  );
  if (fileError) logger.warn({ event: 'log-file-error' }, fileError);
  return { logger, sink, ...(fileError ? { fileError } : {}) };
}

/** One line per config-file warning (event "config-warning"), so the operator sees it in the log. */
export function logConfigWarnings(logger: Logger, warnings: readonly string[]): void {
  for (const w of warnings) logger.warn({ event: 'config-warning', reason: w }, w);
}
