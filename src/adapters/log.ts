/**
 * JSON-line logging (pino) to stderr and, when configured, to a log file.
 * Sentinel throws script output away, so the file is what an operator reads.
 * Writes are synchronous: a hook that exits right after logging loses nothing.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

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
    try {
      mkdirSync(dirname(options.file), { recursive: true });
      streams.push({ level: options.level, stream: pino.destination({ dest: options.file, sync: true, append: true }) });
    } catch (e) {
      fileError = `cannot open log file ${options.file}: ${(e as Error).message}`;
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
