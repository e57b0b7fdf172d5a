/**
 * `vipctl check [<master>]`: for keepalived's vrrp_script / track_script.
 * Exit 0 exactly when a strict majority of the configured Sentinels names a
 * master on this host; 1 otherwise (no majority, a Sentinel-named master
 * elsewhere, or one vipctl cannot compare: unknown is 1); 2 on a bad config
 * or an unknown master. Quiet on success, one line on stderr otherwise.
 * Read-only: no lock, no log file, no ROLE (a returning old master still
 * says role:master; only the Sentinels' majority counts).
 */
import { pickMaster, type Config } from '../core/config';
import { checkLine } from '../core/check';
import { desiredFromMaster } from '../core/desired';
import { localAddresses } from '../core/local';
import { readLinks } from '../adapters/ip';
import { askSentinelsForAll } from '../adapters/sentinel';
import { resolveMasterNames } from '../pass/resolve-masters';

/** Each Sentinel's deadline: with the host-name deadline (1 s) the check ends within about 2.5 s, under keepalived's `timeout 3`. */
export const CHECK_SENTINEL_TIMEOUT_MS = 1000;

export async function checkCommand(config: Config, name: string | undefined): Promise<number> {
  const master = pickMaster(config, name);
  const [links, views] = await Promise.all([readLinks(), askSentinelsForAll(config, [master.name], CHECK_SENTINEL_TIMEOUT_MS)]);
  const view = views.get(master.name)!;
  const local = localAddresses(links, [...config.masters.values()].map((m) => m.vip.address));
  const want = desiredFromMaster(view.master, local, await resolveMasterNames([view]));
  const line = checkLine(master.name, want, view);
  if (line === null) return 0;
  process.stderr.write(`${line}\n`);
  return 1;
}
