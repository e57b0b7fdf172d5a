/**
 * Sentinel's Pub/Sub event messages, parsed into typed events. Pure.
 *
 * Formats (Redis 7 src/sentinel.c, sentinelEvent):
 * - a master instance: `master <name> <ip> <port>`
 * - a replica or Sentinel: `<slave|sentinel> <name> <ip> <port> @ <master-name> <master-ip> <master-port>`
 *   (a replica's <name> is `ip:port`)
 * - +switch-master: `<master-name> <old-ip> <old-port> <new-ip> <new-port>`
 * Anything else (another shape, a master we do not manage) is null: events
 * only trigger passes, so an event we cannot read costs speed, never safety.
 */
import { isHostName, isIp, normalizeIp } from '../address';
import { joinHostPort, masterHost } from '../sentinel-view';

export type SentinelEvent =
  /** The channel is about the master instance itself: +odown, -odown, +try-failover, +failover-end, -failover-abort-*, ... */
  | { kind: 'master'; channel: string; master: string; address: string }
  /** About a replica of `master` (+selected-slave, +failover-state-wait-promotion, +promoted-slave, ...). */
  | { kind: 'replica'; channel: string; master: string; address: string; masterAddress: string }
  | { kind: 'switch-master'; channel: '+switch-master'; master: string; from: string; to: string };

function addr(ip: string | undefined, port: string | undefined): string | null {
  if (ip === undefined || port === undefined || !/^\d{1,5}$/.test(port)) return null;
  return joinHostPort(isIp(ip) ? normalizeIp(ip) : ip, port);
}

/** Parse one message from `channel`; null when it is not an event about an instance we can read. */
export function parseSentinelEvent(channel: string, message: string): SentinelEvent | null {
  const w = message.trim().split(/\s+/);
  if (channel === '+switch-master') {
    if (w.length !== 5) return null;
    const from = addr(w[1], w[2]);
    const to = addr(w[3], w[4]);
    return from && to ? { kind: 'switch-master', channel, master: w[0]!, from, to } : null;
  }
  if (w[0] === 'master' && w.length >= 4) {
    const address = addr(w[2], w[3]);
    return address ? { kind: 'master', channel, master: w[1]!, address } : null;
  }
  if ((w[0] === 'slave' || w[0] === 'replica') && w.length >= 8 && w[4] === '@') {
    const address = addr(w[2], w[3]);
    const masterAddress = addr(w[6], w[7]);
    return address && masterAddress ? { kind: 'replica', channel, master: w[5]!, address, masterAddress } : null;
  }
  return null;
}


/** The host names (announce-hostnames yes) among an event's instance addresses: what must be resolved before it can be compared with this host's addresses. */
export function eventHostNames(e: SentinelEvent): string[] {
  const addresses = e.kind === 'switch-master' ? [e.from, e.to] : e.kind === 'replica' ? [e.address, e.masterAddress] : [e.address];
  return [...new Set(addresses.map(masterHost).filter(isHostName))];
}
