/**
 * The ROLE poller of `vipctl watch`: asks a local Redis for its ROLE every
 * few ms until it reports master. Sentinel promotes with SLAVEOF NO ONE plus
 * CLIENT KILL TYPE normal and TYPE pubsub (Redis 7 sentinel.c), which drops
 * this very connection at the moment of promotion (a subscribed connection
 * is no shelter: tried in the lab): it reconnects at once (1 ms) and asks again.
 * Every connection is owner-checked first (connection.ts's guarded
 * connector): a squatter on the replica's port (its redis-server killed) is
 * refused before AUTH, and the poll stops there: the watcher falls back to
 * Sentinel's events, and never binds on the squatter's ROLE.
 */
import Redis, { type RedisOptions } from 'ioredis';
import type { HostPort } from '../core/address';
import { describeConnectionError } from '../core/connection-error';
import { OWNER_REFUSED } from './guarded-connector';

export interface RolePollOptions {
  /** From clientOptions(config, 'redis', address): credentials and TLS. */
  connection: RedisOptions;
  everyMs: number;
  /** Stop at this epoch ms even without an answer. */
  until: number;
  /** Called once when the Redis reports master (epoch ms; how many connections the poll took). */
  onMaster: (at: number, connections: number) => void;
  /** Called once when polling cannot work (say, authentication refused). */
  onFailure: (reason: string) => void;
}

export interface RolePoller {
  stop(): void;
}

export function pollRole(address: HostPort, o: RolePollOptions): RolePoller {
  let stopped = false;
  const client = new Redis({
    ...o.connection,
    host: address.host,
    port: address.port,
    lazyConnect: false,
    connectTimeout: 500,
    commandTimeout: 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 1,
    // (no INFO ready check, no CLIENT SETINFO, from clientOptions: after the
    // promotion's CLIENT KILL, the first thing on the new connection is ROLE)
  });
  const tls = o.connection.tls !== undefined;
  let lastError = '';
  let authFailures = 0;
  let connections = 0;
  client.on('ready', () => connections++);
  client.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === OWNER_REFUSED && !stopped) {
      // a local server not run by root or redis.serviceUser: no password for it, and its ROLE never counts
      o.onFailure(`refused: ${e.message}`);
      stop();
      return;
    }
    lastError = describeConnectionError(e, 'redis', tls);
    // a refused password, or a certificate that will not be trusted on the next try either
    if (/NOAUTH|WRONGPASS|NOPERM|AUTH|^TLS: /i.test(lastError)) authFailures++;
  });
  const stop = (): void => {
    stopped = true;
    client.disconnect();
  };
  void (async () => {
    while (!stopped && Date.now() < o.until) {
      try {
        if (client.status === 'ready') {
          const reply = (await client.call('ROLE')) as unknown[];
          if (reply?.[0] === 'master') {
            if (!stopped) o.onMaster(Date.now(), connections);
            stop();
            return;
          }
        }
      } catch (e) {
        lastError = (e as Error).message;
        if (/NOAUTH|WRONGPASS|NOPERM/i.test(lastError)) authFailures++;
      }
      if (authFailures >= 3) {
        o.onFailure(`ROLE refused: ${lastError}`);
        stop();
        return;
      }
      await new Promise((r) => setTimeout(r, client.status === 'ready' ? o.everyMs : 2));
    }
    if (!stopped) o.onFailure(`no role master before the failover timeout${lastError ? ` (last error: ${lastError})` : ''}`);
    stop();
  })();
  return { stop };
}
