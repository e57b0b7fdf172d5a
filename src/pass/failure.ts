/** One JSON line for a failure, with the same fields as an action's line, and the exit code it maps to. */
import type { MasterConfig } from '../core/config';
import { exitCodeOf, VipctlError } from '../core/errors';
import type { Logger } from '../adapters/log';

export interface FailureContext {
  /** The master, when known (a bad argument may come before it is). */
  master?: MasterConfig | string;
  startedAt: number;
  extra?: Record<string, unknown>;
}

export function logFailure(logger: Logger, e: unknown, ctx: FailureContext): 1 | 2 {
  const exitCode = exitCodeOf(e);
  const err = e instanceof VipctlError ? e : undefined;
  const reason = e instanceof Error ? e.message : String(e);
  const m = ctx.master;
  logger.error(
    {
      event: err?.code === 'REFUSED' ? 'refused' : 'error',
      code: err?.code ?? 'INTERNAL',
      exitCode,
      ...(err?.details.key ? { key: err.details.key } : {}),
      ...(m === undefined ? {} : typeof m === 'string' ? { master: m } : { master: m.name, vip: m.vip.text }),
      ...(typeof err?.details.interface === 'string' ? { interface: err.details.interface } : {}),
      reason,
      ...ctx.extra,
      durationMs: Math.round((performance.now() - ctx.startedAt) * 10) / 10,
    },
    reason,
  );
  return exitCode;
}
