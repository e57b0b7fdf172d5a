/** Asking Sentinels where a master is (ioredis). One short-lived connection per Sentinel, all in parallel (withClient: options from the config, our own deadline). */
import type { Config } from '../core/config';
import { pairs, withClient } from './redis-client';
import { normalizeIp, isIp } from '../core/address';
import { agree, joinHostPort, type SentinelAnswer, type SentinelView } from '../core/sentinel-view';

export async function askSentinel(config: Config, sentinel: { host: string; port: number }, masterName: string, timeoutMs: number): Promise<SentinelAnswer> {
  const name = joinHostPort(sentinel.host, sentinel.port);
  const r = await withClient(config, 'sentinel', sentinel, timeoutMs, async (client) => (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null);
  if (!r.ok) return { sentinel: name, master: null, error: r.error };
  if (!r.value) return { sentinel: name, master: null, error: `does not monitor ${masterName}` };
  const [host, port] = r.value;
  return { sentinel: name, master: joinHostPort(isIp(host) ? normalizeIp(host) : host, port) };
}

export interface AskOptions {
  /** Answer as soon as a strict majority agrees, without waiting for the slowest Sentinel (watch). */
  settleEarly?: boolean;
  /** Each Sentinel's answer as it comes (also after an early answer). */
  onAnswer?: (a: SentinelAnswer) => void;
}

export async function askSentinels(config: Config, masterName: string, timeoutMs = 1000, options: AskOptions = {}): Promise<SentinelView> {
  const total = config.sentinel.addresses.length;
  const asks = config.sentinel.addresses.map((s) =>
    askSentinel(config, s, masterName, timeoutMs).then((a) => {
      options.onAnswer?.(a);
      return a;
    }),
  );
  if (!options.settleEarly) return agree(await Promise.all(asks), total);
  return new Promise((resolve) => {
    const answers: SentinelAnswer[] = [];
    for (const ask of asks) {
      void ask.then((a) => {
        answers.push(a);
        const view = agree(answers, total);
        if (view.master !== null || answers.length === total) resolve(view);
      });
    }
  });
}

/** What `SENTINEL MASTER <name>` says of the timings watch needs; null when this Sentinel cannot tell. */
export interface MasterTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export async function askMasterTimings(config: Config, sentinel: { host: string; port: number }, masterName: string, timeoutMs: number): Promise<MasterTimings | null> {
  const r = await withClient(config, 'sentinel', sentinel, timeoutMs, async (client) => pairs(await client.call('SENTINEL', 'MASTER', masterName)));
  if (!r.ok) return null;
  const downAfterMs = Number(r.value['down-after-milliseconds']);
  const failoverTimeoutMs = Number(r.value['failover-timeout']);
  return Number.isFinite(downAfterMs) && downAfterMs > 0 && Number.isFinite(failoverTimeoutMs) && failoverTimeoutMs > 0 ? { downAfterMs, failoverTimeoutMs } : null;
}
