/**
 * doctor's ACL probe of one Sentinel: with the config's user, try every
 * command vipctl sends and a SUBSCRIBE to every watch channel (one channel
 * per command), on one connection, and collect the ACL rules whose probe got
 * NOPERM. (ACL DRYRUN would say the same, but needs an admin user; this
 * runs as the user being checked.) Only errors saying NOPERM count: "no such
 * master" is the Sentinel check's business.
 */
import type { Config } from '../core/config';
import type { AclFindings } from '../core/acl';
import { WATCH_CHANNELS } from '../core/watch/channels';
import { withClient, type Reply, type Target } from './redis-client';

export async function probeSentinelAcl(config: Config, at: Target, master: string, timeoutMs = 2000): Promise<Reply<AclFindings>> {
  return withClient(config, 'sentinel', at, timeoutMs, async (c) => {
    const missing: string[] = [];
    let error: string | null = null;
    const denied = (rule: string) => (e: Error) => {
      if (!/NOPERM/.test(e.message)) return;
      missing.push(rule);
      error ??= e.message;
    };
    await c.call('PING').catch(denied('+ping'));
    await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', master).catch(denied('+sentinel|get-master-addr-by-name'));
    await c.call('SENTINEL', 'MASTERS').catch(denied('+sentinel|masters'));
    await c.call('SENTINEL', 'MASTER', master).catch(denied('+sentinel|master'));
    const subs = await Promise.all(WATCH_CHANNELS.map((ch) => c.subscribe(ch).then(() => null, (e: Error) => ({ ch, e }))));
    const refused = subs.filter((s) => s !== null && /NOPERM/.test(s.e.message)) as Array<{ ch: string; e: Error }>;
    if (refused.length > 0) {
      error ??= refused[0]!.e.message;
      // without the command itself, every channel is refused: name the command
      if (refused.every((r) => /'subscribe' command/i.test(r.e.message))) missing.push('+subscribe');
      else missing.push(...refused.map((r) => `&${r.ch}`));
    }
    return { missing, error };
  });
}
