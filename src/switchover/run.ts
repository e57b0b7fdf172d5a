/**
 * `vipctl switchover`, the I/O half: check (core/switchover judgeStart), subscribe
 * to the chosen Sentinel's events, send SENTINEL FAILOVER, follow the events
 * and the VIP itself until the VIP reaches the new master's Redis.
 *
 * "The VIP reaches X" is decided by Redis itself, not by ARP: a connection
 * to VIP:port whose INFO run_id is X's (run_id is per process, and a promotion
 * keeps it) and whose ROLE is master. That is what a client sees, from any
 * host that can reach the VIP.
 */
import type { Config, MasterConfig } from '../core/config';
import { joinHostPort, parseHostPort } from '../core/address';
import { parseSentinelEvent } from '../core/watch/events';
import { judgeStart, parseReplicas, type Moment, type Timeline } from '../core/switchover';
import { clientOptions } from '../adapters/connection';
import { withClient } from '../adapters/redis-client';
import { askSentinels } from '../adapters/sentinel';
import { SentinelLink } from '../adapters/sentinel-events';

/** How often, and how patiently, the VIP is tried while following. */
const PROBE_EVERY_MS = 50;
const PROBE_TIMEOUT_MS = 300;

interface Seen {
  runId: string | null;
  role: string | null;
  error?: string;
}

/** run_id and ROLE of the Redis a connection to `address` (host:port) reaches. */
async function reach(config: Config, address: string, timeoutMs: number): Promise<Seen> {
  const at = parseHostPort(address);
  if (!at) return { runId: null, role: null, error: `not an address: ${address}` };
  const r = await withClient(config, 'redis', at, timeoutMs, async (c) => {
    const info = String(await c.call('INFO', 'server'));
    const role = String(((await c.call('ROLE')) as unknown[])[0]);
    return { runId: /^run_id:(\w+)/m.exec(info)?.[1] ?? null, role };
  });
  return r.ok ? r.value : { runId: null, role: null, error: r.error };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ACL rules a switchover needs beyond watch's least-privilege user (README, "A planned switchover"). */
export const SWITCHOVER_ACL = '+sentinel|replicas +sentinel|failover';

/** A Sentinel error, with the way out when it is a missing permission. */
function sentinelError(config: Config, what: string, error: string): string {
  if (!/NOPERM/.test(error)) return `${what}: ${error}`;
  const user = config.sentinel.username ?? 'default';
  return `${what}: ${error} (a switchover needs ${SWITCHOVER_ACL}: ACL SETUSER ${user} ${SWITCHOVER_ACL} on every Sentinel, or run it with --config naming a Sentinel user that has them)`;
}

export interface SwitchoverOptions {
  timeoutMs: number;
  /** Each moment as it is seen (the terminal's live lines). */
  onMoment?: (m: Moment, at: number, t: Timeline) => void;
}

export async function switchover(config: Config, master: MasterConfig, o: SwitchoverOptions): Promise<Timeline> {
  const deadline = Date.now() + o.timeoutMs;
  const view = await askSentinels(config, master.name, 1000);
  const t: Timeline = { master: master.name, from: view.master ?? '?', to: null, ok: false, at: {} };
  const refuse = (reason: string): Timeline => ({ ...t, reason });
  const leader = view.answers.find((a) => a.master !== null && a.master === view.master);
  const sentinel = leader ? parseHostPort(leader.sentinel) : null;
  if (view.master === null || !sentinel) {
    const none = judgeStart({ master: master.name, sentinelMaster: null, agreeing: view.agreeing, total: view.total, replicas: null, vipReachesMaster: false });
    return refuse(none.ok ? 'no Sentinel names the master' : none.reason);
  }
  const vipAddress = joinHostPort(master.vip.address, parseHostPort(view.master)!.port);
  const [replicas, old, viaVip] = await Promise.all([
    withClient(config, 'sentinel', sentinel, 1000, async (c) => parseReplicas(await c.call('SENTINEL', 'REPLICAS', master.name))),
    reach(config, view.master, 1000),
    reach(config, vipAddress, 1000),
  ]);
  const verdict = judgeStart({
    master: master.name,
    sentinelMaster: view.master,
    agreeing: view.agreeing,
    total: view.total,
    replicas: replicas.ok ? replicas.value : null,
    ...(replicas.ok ? {} : { replicasError: sentinelError(config, 'SENTINEL REPLICAS', replicas.error) }),
    vipReachesMaster: old.runId !== null && viaVip.runId === old.runId,
    ...(viaVip.error ? { vipError: viaVip.error } : old.error ? { vipError: `the master: ${old.error}` } : {}),
  });
  if (!verdict.ok) return refuse(verdict.reason);

  const mark = (m: Moment, at = Date.now()) => {
    if (t.at[m] !== undefined) return;
    t.at[m] = at;
    o.onMoment?.(m, at, t);
  };
  let selected = null as string | null;
  let newRunId = null as string | null;
  let aborted = null as string | null;
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const link = new SentinelLink(sentinel, { connection: clientOptions(config, 'sentinel', sentinel), pingMs: 1000 }, {
    onSubscribed: () => subscribed(),
    onDown: () => {},
    onRefused: () => {},
    onMessage: (_s, channel, message, at) => {
      const e = parseSentinelEvent(channel, message);
      if (!e || e.master !== master.name) return;
      if (e.kind === 'replica' && channel === '+selected-slave') {
        t.to = e.address;
        selected = e.address;
        mark('selected', at);
      } else if (e.kind === 'replica' && channel === '+promoted-slave') mark('promoted', at);
      else if (e.kind === 'master' && channel.startsWith('-failover-abort')) aborted = channel;
      else if (e.kind === 'switch-master') {
        t.to ??= e.to;
        mark('switched', at);
      }
    },
  });
  link.start();
  try {
    const subscribedInTime = await Promise.race([ready.then(() => true), sleep(3000).then(() => false)]);
    if (!subscribedInTime) return refuse(`cannot subscribe to the events of the Sentinel ${leader!.sentinel} within 3 s`);
    const sent = Date.now();
    const r = await withClient(config, 'sentinel', sentinel, 2000, async (c) => String(await c.call('SENTINEL', 'FAILOVER', master.name)));
    if (!r.ok) return refuse(sentinelError(config, `SENTINEL FAILOVER ${master.name} on ${leader!.sentinel}`, r.error));
    mark('sent', sent);
    while (Date.now() < deadline) {
      if (aborted !== null) return refuse(`the Sentinel aborted the failover (${aborted}); the master stays ${view.master}`);
      // The new master's run_id (a promotion keeps it), asked again until it answers.
      if (selected !== null && newRunId === null) newRunId = (await reach(config, selected, 1000)).runId;
      const s = await reach(config, vipAddress, PROBE_TIMEOUT_MS);
      if (s.runId !== old.runId) mark('released');
      if (newRunId !== null && s.runId === newRunId && s.role === 'master') {
        mark('bound');
        return { ...t, ok: true };
      }
      await sleep(PROBE_EVERY_MS);
    }
    return refuse(`timeout after ${o.timeoutMs / 1000} s: ${t.at.promoted === undefined ? 'no promotion seen' : 'the VIP does not reach the new master yet'}`);
  } finally {
    link.close();
  }
}
