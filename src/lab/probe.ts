/**
 * The demo's observer, run inside the lab's client namespace
 * (`vipctl lab probe ...`): it listens to every Sentinel's events, writes
 * through the VIP every few ms (INCR on one counter) and, with `--roles`,
 * asks each node's Redis for its ROLE every few ms. It prints one JSON line
 * per event on stdout with an epoch-ms timestamp. Only transitions are
 * printed (first failed write, first success after failures, a node turning
 * master, acknowledged writes lost), plus counts at the end.
 */
import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { countLost } from './lost-writes';
import { labTlsFiles } from './tls';
import { LAB_REDIS_PASSWORD, LAB_SENTINEL_PASSWORD } from './topology';

export interface ProbeEvent {
  t: number;
  kind: 'ready' | 'sentinel' | 'write-failed' | 'write-recovered' | 'writes-lost' | 'role-master' | 'stats' | 'error';
  /** Sentinel channel (+sdown, +odown, +switch-master...) for kind "sentinel". */
  channel?: string;
  from?: string;
  message?: string;
  /** For write-failed: when the last write before it succeeded. For write-recovered: when the first failed one started. */
  lastOkAt?: number;
  writes?: number;
  failures?: number;
  /** writes-lost: acknowledged increments that vanished (this time); stats: in all. */
  lost?: number;
  /** role-master: the node (ip) that now answers ROLE as master. */
  node?: string;
  /** writes-lost: when the highest acknowledged value (the last write that vanished) was acknowledged. */
  highestAt?: number;
}

export interface ProbeOptions {
  sentinels: string[]; // ip:port
  vip: string;
  port: number;
  everyMs: number;
  /** Node addresses to poll with ROLE (same port as the VIP); empty: none. */
  roles?: string[];
  rolesEveryMs?: number;
  /** `lab up --tls`: the lab's TLS directory (CA and client certificate). */
  tlsDir?: string;
  emit: (e: ProbeEvent) => void;
}

/** TLS options for every connection of the probe, when the lab speaks TLS. */
function tls(o: ProbeOptions): { tls?: { ca: Buffer; cert: Buffer; key: Buffer } } {
  if (!o.tlsDir) return {};
  const f = labTlsFiles(o.tlsDir);
  return { tls: { ca: readFileSync(f.ca), cert: readFileSync(f.cert), key: readFileSync(f.key) } };
}

/** A fail-fast connection to a lab Redis: 200 ms deadlines, no queue, no retries per request; `retryMs` between reconnects. */
function labRedis(o: ProbeOptions, host: string, retryMs: number): Redis {
  return new Redis({
    host,
    port: o.port,
    password: LAB_REDIS_PASSWORD,
    ...tls(o),
    lazyConnect: true,
    connectTimeout: 200,
    commandTimeout: 200,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: () => retryMs,
  });
}

/** Emit role-master whenever a node starts answering ROLE as master (and at start, for the current one). */
function pollRoles(o: ProbeOptions): () => void {
  let running = true;
  const clients = (o.roles ?? []).map((ip) => {
    // Sentinel kills normal clients at the promotion: come back at once.
    const c = labRedis(o, ip, 1);
    c.on('error', () => {});
    let wasMaster: boolean | null = null;
    void (async () => {
      await c.connect().catch(() => undefined);
      while (running) {
        const started = Date.now();
        try {
          const role = ((await c.call('ROLE')) as [string])[0];
          const isMaster = role === 'master';
          if (isMaster && wasMaster !== true) o.emit({ t: Date.now(), kind: 'role-master', node: ip, message: `${ip} answers ROLE as master` });
          wasMaster = isMaster;
        } catch {
          /* down or being killed: keep asking */
        }
        const wait = (o.rolesEveryMs ?? 5) - (Date.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    return c;
  });
  return () => {
    running = false;
    clients.forEach((c) => c.disconnect());
  };
}

export async function runProbe(o: ProbeOptions): Promise<() => Promise<void>> {
  const subs = o.sentinels.map((s) => {
    const [host, port] = s.split(':');
    const sub = new Redis({ host: host!, port: Number(port), password: LAB_SENTINEL_PASSWORD, ...tls(o), lazyConnect: true, retryStrategy: () => 100 });
    sub.on('error', () => {});
    sub.on('pmessage', (_p: string, channel: string, message: string) => o.emit({ t: Date.now(), kind: 'sentinel', channel, from: s, message }));
    return sub;
  });
  await Promise.all(subs.map(async (s) => {
    await s.connect();
    await s.psubscribe('*');
  }));

  const writer = labRedis(o, o.vip, 5);
  writer.on('error', () => {});
  await writer.connect();
  const stopRoles = pollRoles(o);
  let writes = 0;
  let failures = 0;
  let lost = 0;
  let highest = 0;
  let highestAt = 0;
  let lastOkAt = 0;
  let failingSince = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const value = await writer.incr('vipctl:demo:counter');
        writes++;
        const vanished = countLost(highest, value);
        if (vanished > 0) {
          lost += vanished;
          o.emit({ t: Date.now(), kind: 'writes-lost', lost: vanished, message: `INCR answered ${value} after ${highest} had been acknowledged: ${vanished} acknowledged write(s) lost`, highestAt });
        }
        highest = value;
        highestAt = Date.now();
        if (failingSince) {
          o.emit({ t: Date.now(), kind: 'write-recovered', lastOkAt, message: `first write through the VIP after ${Date.now() - lastOkAt} ms` });
          failingSince = 0;
        }
        lastOkAt = Date.now();
      } catch (e) {
        failures++;
        if (!failingSince) {
          failingSince = started;
          o.emit({ t: started, kind: 'write-failed', lastOkAt, message: (e as Error).message });
        }
      }
      const wait = o.everyMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  o.emit({ t: Date.now(), kind: 'ready', message: `subscribed to ${o.sentinels.length} sentinels; writing to ${o.vip}:${o.port} every ${o.everyMs} ms` });
  return async () => {
    running = false;
    await loop;
    stopRoles();
    o.emit({ t: Date.now(), kind: 'stats', writes, failures, lost });
    writer.disconnect();
    subs.forEach((s) => s.disconnect());
  };
}
