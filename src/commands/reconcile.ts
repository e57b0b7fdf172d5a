/**
 * `vipctl reconcile [--dry-run]`: one pass of "ask Sentinel, fix this node"
 * for every master in the config. When a majority of Sentinels cannot be
 * had, the VIP is left as it is and the exit code is 1 (try again).
 */
import type { Config } from '../core/config';
import { VipctlError } from '../core/errors';
import { desiredFromMaster } from '../core/desired';
import { askSentinelsForAll } from '../adapters/sentinel';
import type { Logger } from '../adapters/log';
import { converge } from './converge';
import { logFailure } from './failure';

export async function reconcileCommand(config: Config, logger: Logger, options: { dryRun?: boolean } = {}): Promise<number> {
  let code = 0;
  // One SENTINEL MASTERS per Sentinel for the whole pass, whatever the number of masters.
  const views = await askSentinelsForAll(config, config.masters.keys());
  for (const master of config.masters.values()) {
    const startedAt = performance.now();
    const view = views.get(master.name)!;
    const said = `${view.agreeing}/${view.total} sentinels agree`;
    try {
      const result = await converge({
        config,
        master,
        logger,
        announceWhenBound: false,
        dryRun: options.dryRun ?? false,
        want: (local) => {
          if (view.master === null) return { desired: 'unknown', reason: `no majority of sentinels agrees on a master (${said}; ${view.answers.map((a) => `${a.sentinel}: ${a.master ?? a.error}`).join(', ')})` };
          const want = desiredFromMaster(view.master, local);
          return { ...want, reason: `${want.reason} (${said})` };
        },
      });
      // Unknown (no majority, or an address vipctl cannot compare): nothing changed, try again later.
      if (result.decision.mustBe === 'unknown') code = Math.max(code, 1);
    } catch (e) {
      if (!(e instanceof VipctlError)) throw e;
      code = Math.max(code, logFailure(logger, e, { master, startedAt }));
    }
  }
  return code;
}
