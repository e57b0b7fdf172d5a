/**
 * The demo's observer, run inside the lab's client namespace
 * (`vipctl lab probe ...`): it listens to every Sentinel's events and writes
 * through the VIP every few ms, printing one JSON line per event on stdout
 * with an epoch-ms timestamp. Only transitions of the write loop are printed
 * (first failure, first success after failures), plus a count at the end.
 */
import Redis from 'ioredis';

export interface ProbeEvent {
  t: number;
  kind: 'ready' | 'sentinel' | 'write-failed' | 'write-recovered' | 'stats' | 'error';
  /** Sentinel channel (+sdown, +odown, +switch-master...) for kind "sentinel". */
  channel?: string;
  from?: string;
  message?: string;
  /** For write-failed: when the last write before it succeeded. For write-recovered: when the first failed one started. */
  lastOkAt?: number;
  writes?: number;
  failures?: number;
}

export interface ProbeOptions {
  sentinels: string[]; // ip:port
  vip: string;
  port: number;
  everyMs: number;
  emit: (e: ProbeEvent) => void;
}

export async function runProbe(o: ProbeOptions): Promise<() => Promise<void>> {
  const subs = o.sentinels.map((s) => {
    const [host, port] = s.split(':');
    const sub = new Redis({ host: host!, port: Number(port), lazyConnect: true, retryStrategy: () => 100 });
    sub.on('error', () => {});
    sub.on('pmessage', (_p: string, channel: string, message: string) => o.emit({ t: Date.now(), kind: 'sentinel', channel, from: s, message }));
    return sub;
  });
  await Promise.all(subs.map(async (s) => {
    await s.connect();
    await s.psubscribe('*');
  }));

  const writer = new Redis({
    host: o.vip,
    port: o.port,
    lazyConnect: true,
    connectTimeout: 200,
    commandTimeout: 200,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: () => 5,
  });
  writer.on('error', () => {});
  await writer.connect();
  let writes = 0;
  let failures = 0;
  let lastOkAt = 0;
  let failingSince = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        await writer.incr('vipctl:demo:counter');
        writes++;
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
    o.emit({ t: Date.now(), kind: 'stats', writes, failures });
    writer.disconnect();
    subs.forEach((s) => s.disconnect());
  };
}
