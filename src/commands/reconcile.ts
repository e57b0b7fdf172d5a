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
import { converge } from '../pass/converge';
import { JoinNext } from '../pass/join-next';
import { readLinks } from '../adapters/ip';
import { resolveMasterNames } from '../pass/resolve-masters';
import { logFailure } from '../pass/failure';

export async function reconcileCommand(config: Config, logger: Logger, options: { dryRun?: boolean } = {}): Promise<number> {
  let code = 0;
  // One SENTINEL MASTERS per Sentinel for the whole pass, whatever the number of masters.
  const views = await askSentinelsForAll(config, config.masters.keys());
  // Masters named by host name (announce-hostnames yes): resolved once each, under a deadline.
  const resolved = await resolveMasterNames(views.values());
  // Every master at once, each under its own lock; the links are read once for
  // all of them taking their lock in the same turn (one `ip -json addr show`, each
  // read started after the lock of every master it serves).
  const links = new JoinNext(readLinks);
  await Promise.all([...config.masters.values()].map(async (master) => {
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
        readLinks: () => links.get(),
        moved: () => ({ newMaster: view.master }),
        want: (local) => {
          if (view.master === null) return { desired: 'unknown', reason: `no majority of sentinels agrees on a master (${said}; ${view.answers.map((a) => `${a.sentinel}: ${a.master ?? a.error}`).join(', ')})` };
          const want = desiredFromMaster(view.master, local, resolved);
          return { ...want, reason: `${want.reason} (${said})` };
        },
      });
      // Unknown (no majority, or an address vipctl cannot compare): nothing changed, try again later.
      if (result.decision.mustBe === 'unknown') code = Math.max(code, 1);
    } catch (e) {
      if (!(e instanceof VipctlError)) throw e;
      code = Math.max(code, logFailure(logger, e, { master, startedAt }));
    }
  }));
  return code;
}
