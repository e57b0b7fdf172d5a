/**
 * `vipctl reconcile [--dry-run]`: one pass of "ask Sentinel, fix this node"
 * for every master in the config. When a majority of Sentinels cannot be
 * had, the VIP is left as it is and the exit code is 1 (try again).
 */
import type { Config } from '../core/config';
import { VipctlError } from '../core/errors';
import { masterHost } from '../core/sentinel-view';
import { askSentinels } from '../adapters/sentinel';
import type { Logger } from '../adapters/log';
import { converge } from './converge';
import { logFailure } from './failure';

export async function reconcileCommand(config: Config, logger: Logger, options: { dryRun?: boolean } = {}): Promise<number> {
  let code = 0;
  for (const master of config.masters.values()) {
    const startedAt = performance.now();
    const view = await askSentinels(config, master.name);
    const said = `${view.agreeing}/${view.total} sentinels agree`;
    try {
      await converge({
        config,
        master,
        logger,
        announceWhenBound: false,
        dryRun: options.dryRun ?? false,
        want: (local) =>
          view.master === null
            ? { desired: 'unknown', reason: `no majority of sentinels agrees on a master (${said}; ${view.answers.map((a) => `${a.sentinel}: ${a.master ?? a.error}`).join(', ')})` }
            : local.has(masterHost(view.master))
              ? { desired: 'here', reason: `master ${view.master} is this host (${said})` }
              : { desired: 'elsewhere', reason: `master ${view.master} is another host (${said})` },
      });
      if (view.master === null) code = Math.max(code, 1);
    } catch (e) {
      if (!(e instanceof VipctlError)) throw e;
      code = Math.max(code, logFailure(logger, e, { master, startedAt }));
    }
  }
  return code;
}
