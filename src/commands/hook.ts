/**
 * `vipctl <7 args>` / `vipctl hook <7 args>`: Sentinel's client-reconfig-script.
 * If <to-ip> is an address of this host, bind and announce; otherwise make sure
 * the VIP is not here. Exit 0 done, 1 retry (Sentinel retries), 2 never retry.
 */
import { pickMaster, type Config } from '../core/config';
import { VipctlError, exitCodeOf } from '../core/errors';
import { parseHookArgs, type HookArgs } from '../core/hook-args';
import { loadConfig } from '../adapters/config-file';
import { createLogger, type Logger } from '../adapters/log';
import { converge } from './converge';

export async function hookCommand(args: readonly string[], options: { config?: string } = {}): Promise<number> {
  const started = performance.now();
  let parsed: HookArgs | undefined;
  let failure: unknown;
  try {
    parsed = parseHookArgs(args);
  } catch (e) {
    failure = e;
  }
  let config: Config | undefined;
  try {
    config = loadConfig(options.config);
  } catch (e) {
    failure ??= e;
  }
  const { logger } = createLogger(config ? config.log : { file: null, level: 'info' }, { cmd: 'hook' });
  if (failure || !config || !parsed) return fail(logger, failure, { args: [...args] }, started);

  const context = { role: parsed.role, from: `${parsed.fromIp}:${parsed.fromPort}`, to: `${parsed.toIp}:${parsed.toPort}` };
  const child = logger.child(context);
  try {
    const master = pickMaster(config, parsed.master);
    if (parsed.toIp === master.vip.address) {
      throw new VipctlError('USAGE', `to-ip ${parsed.toIp} is the VIP of ${master.name} itself: Redis must announce its own address, not the VIP (check replica-announce-ip)`, { key: 'to-ip' });
    }
    const toIp = parsed.toIp;
    await converge({
      config,
      master,
      logger: child,
      announceWhenBound: true,
      want: (local) =>
        local.has(toIp)
          ? { desired: 'here', reason: `sentinel (${parsed.role}) moved ${master.name} to ${context.to}, an address of this host` }
          : { desired: 'elsewhere', reason: `sentinel (${parsed.role}) moved ${master.name} to ${context.to}, not this host` },
    });
    return 0;
  } catch (e) {
    return fail(child, e, { master: parsed.master }, started);
  }
}

function fail(logger: Logger, e: unknown, extra: Record<string, unknown>, started: number): number {
  const code = exitCodeOf(e);
  const err = e instanceof VipctlError ? e : undefined;
  logger.error(
    { event: err?.code === 'REFUSED' ? 'refused' : 'error', code: err?.code ?? 'INTERNAL', exitCode: code, ...(err?.details.key ? { key: err.details.key } : {}), ...extra, durationMs: Math.round(performance.now() - started) },
    e instanceof Error ? e.message : String(e),
  );
  return code;
}
