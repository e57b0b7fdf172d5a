/**
 * `vipctl <7 args>` / `vipctl hook <7 args>`: Sentinel's client-reconfig-script.
 * If <to-ip> is an address of this host, bind and announce; otherwise make sure
 * the VIP is not here. Exit 0 done, 1 retry (Sentinel retries), 2 never retry.
 */
import { pickMaster, type Config, type MasterConfig } from '../core/config';
import { VipctlError } from '../core/errors';
import { joinHostPort } from '../core/address';
import { parseHookArgs, type HookArgs } from '../core/hook-args';
import { loadConfigFile } from '../adapters/config-file';
import { createLogger, logConfigWarnings } from '../adapters/log';
import { converge } from './converge';
import { logFailure } from './failure';

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
  let warnings: string[] = [];
  try {
    ({ config, warnings } = loadConfigFile(options.config));
  } catch (e) {
    failure ??= e;
  }
  const { logger } = createLogger(config ? config.log : { file: null, level: 'info' }, { cmd: 'hook' });
  logConfigWarnings(logger, warnings);
  if (failure || !config || !parsed) return logFailure(logger, failure, { startedAt: started, extra: { args: [...args] } });

  const context = { role: parsed.role, from: joinHostPort(parsed.fromIp, parsed.fromPort), to: joinHostPort(parsed.toIp, parsed.toPort) };
  const child = logger.child(context);
  let master: MasterConfig | undefined;
  try {
    master = pickMaster(config, parsed.master);
    if (parsed.toIp === master.vip.address) {
      throw new VipctlError('USAGE', `to-ip ${parsed.toIp} is the VIP of ${master.name} itself: Redis must announce its own address, not the VIP (check replica-announce-ip)`, { key: 'to-ip' });
    }
    const toIp = parsed.toIp;
    const m = master;
    await converge({
      config,
      master: m,
      logger: child,
      announceWhenBound: true,
      want: (local) =>
        local.has(toIp)
          ? { desired: 'here', reason: `sentinel (${parsed.role}) moved ${m.name} to ${context.to}, an address of this host` }
          : { desired: 'elsewhere', reason: `sentinel (${parsed.role}) moved ${m.name} to ${context.to}, not this host` },
    });
    return 0;
  } catch (e) {
    return logFailure(child, e, { master: master ?? parsed.master, startedAt: started });
  }
}
