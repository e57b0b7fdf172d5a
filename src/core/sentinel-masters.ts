/**
 * `SENTINEL MASTERS`: every master a Sentinel monitors, in one reply. Pure:
 * parse the reply, then turn one reply per Sentinel into one view per master
 * with the usual strict-majority rule (`agree`). A pass over N masters so
 * costs one query per Sentinel instead of N.
 */
import { isHostName, isIp, normalizeIp } from './address';
import { agree, joinHostPort, type SentinelAnswer, type SentinelView } from './sentinel-view';

export interface MasterEntry {
  name: string;
  /** `ip:port` (`[v6]:port`; a host name as Sentinel gave it). */
  address: string;
  flags: string[];
  downAfterMs: number | null;
  failoverTimeoutMs: number | null;
}

/** One Sentinel's answer to a pass: its masters by name, or why it gave none. */
export interface SentinelMasters {
  sentinel: string;
  masters: ReadonlyMap<string, MasterEntry> | null;
  error?: string;
}

function positive(v: string | undefined): number | null {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}

/** One `SENTINEL MASTER(S)` entry: a flat [field, value, ...] array. Null when it lacks name, ip or port. */
export function parseMasterFields(raw: unknown): MasterEntry | null {
  if (!Array.isArray(raw)) return null;
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) f.set(String(raw[i]), String(raw[i + 1]));
  const name = f.get('name');
  const ip = f.get('ip');
  const port = f.get('port');
  // where an address is expected, only an IP or a host name (never control characters, spaces, a forged line)
  if (!name || !ip || !port || !/^\d{1,5}$/.test(port) || !(isIp(ip) || isHostName(ip))) return null;
  return {
    name,
    address: joinHostPort(isIp(ip) ? normalizeIp(ip) : ip, port),
    flags: (f.get('flags') ?? '').split(',').filter((x) => x !== ''),
    downAfterMs: positive(f.get('down-after-milliseconds')),
    failoverTimeoutMs: positive(f.get('failover-timeout')),
  };
}

/** The whole `SENTINEL MASTERS` reply, by master name (malformed entries are skipped). */
export function parseSentinelMasters(raw: unknown): Map<string, MasterEntry> {
  const out = new Map<string, MasterEntry>();
  if (!Array.isArray(raw)) return out;
  for (const e of raw) {
    const m = parseMasterFields(e);
    if (m) out.set(m.name, m);
  }
  return out;
}

/**
 * Masters whose address this reply may not give as `GET-MASTER-ADDR-BY-NAME`
 * would: during a failover the leader answers that query with the promoted
 * replica (from the reconfiguration of the replicas on) while `SENTINEL MASTERS` still
 * names the old master. The adapter asks those few by name on the same connection.
 */
export function needsAddrByName(m: MasterEntry): boolean {
  return m.flags.includes('failover_in_progress');
}

/** What one Sentinel says of one master, as the per-master query would have put it. */
export function answerFor(s: SentinelMasters, name: string): SentinelAnswer {
  if (s.masters === null) return { sentinel: s.sentinel, master: null, error: s.error ?? 'no answer' };
  const m = s.masters.get(name);
  return m ? { sentinel: s.sentinel, master: m.address } : { sentinel: s.sentinel, master: null, error: `does not monitor ${name}` };
}

/** One view per master name, from the answers so far of `total` configured Sentinels. */
export function viewsFor(names: Iterable<string>, replies: readonly SentinelMasters[], total: number): Map<string, SentinelView> {
  const out = new Map<string, SentinelView>();
  for (const name of names) out.set(name, agree(replies.map((r) => answerFor(r, name)), total));
  return out;
}
