/**
 * `vipctl switchover [<master>] [--timeout S] [--json]`: a planned switchover
 * from the terminal. Checks first (a majority names the master, a replica in
 * sync, the VIP reaches the master now), then SENTINEL FAILOVER, then follows
 * until the VIP reaches the new master's Redis (src/switchover/run.ts). Exit
 * 0 done; 1 refused, failed or timed out (nothing is undone: Sentinel's
 * failover goes on); 2 bad config or unknown master.
 */
import { pickMaster, type Config } from '../core/config';
import { formatTimeline, MOMENTS } from '../core/switchover';
import { switchover } from '../switchover/run';

export async function switchoverCommand(config: Config, name: string | undefined, o: { timeout: number; json?: boolean }): Promise<number> {
  const master = pickMaster(config, name);
  let start: number | undefined;
  const t = await switchover(config, master, {
    timeoutMs: o.timeout * 1000,
    onMoment: o.json
      ? undefined
      : (m, at) => {
          start ??= at;
          process.stdout.write(`+ ${String(Math.round(at - start)).padStart(5)} ms  ${MOMENTS[m]}\n`);
        },
  });
  if (o.json) {
    const sent = t.at.sent;
    const ms = Object.fromEntries(Object.entries(t.at).map(([k, v]) => [k, sent === undefined ? null : Math.round(v - sent)]));
    process.stdout.write(`${JSON.stringify({ master: t.master, from: t.from, to: t.to, ok: t.ok, ...(t.reason ? { reason: t.reason } : {}), msFromRequest: ms })}\n`);
  } else process.stdout.write(`${formatTimeline(t).join('\n')}\n`);
  return t.ok ? 0 : 1;
}
