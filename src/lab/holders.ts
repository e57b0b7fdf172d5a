/**
 * Who held the VIP when, from `ip monitor address` lines (one monitor per
 * node). Pure: the monitor adapter (addr-monitor.ts) records, this reckons.
 */
export interface AddrEvent {
  host: string;
  /** Epoch ms (fractional) when the line arrived. */
  t: number;
  op: 'add' | 'del';
}

export interface HolderStats {
  /** ms during which two or more hosts held the VIP at once, within [from, to]. */
  doubleMs: number;
  /** The most hosts that held it at once (initial holders included). */
  maxHolders: number;
  /** Hosts holding it at `to`. */
  holdersAtEnd: string[];
}

/** Replay add/del events over the initial holders and measure the time with more than one holder. */
export function holderStats(initial: readonly string[], events: readonly AddrEvent[], from: number, to: number): HolderStats {
  const held = new Set(initial);
  let maxHolders = held.size;
  let doubleMs = 0;
  let last = from;
  for (const e of [...events].filter((x) => x.t >= from && x.t <= to).sort((a, b) => a.t - b.t)) {
    if (held.size >= 2) doubleMs += e.t - last;
    last = e.t;
    if (e.op === 'add') held.add(e.host);
    else held.delete(e.host);
    maxHolders = Math.max(maxHolders, held.size);
  }
  if (held.size >= 2) doubleMs += to - last;
  return { doubleMs: Math.round(doubleMs * 10) / 10, maxHolders, holdersAtEnd: [...held].sort() };
}

/** One `ip monitor address` line (IPv4 or IPv6): which address was added or deleted, or null for any other line. */
export function parseAddrChange(line: string): { op: 'add' | 'del'; address: string } | null {
  const m = /^(Deleted )?\d+: \S+\s+inet6? (\S+?)\//.exec(line);
  return m ? { op: m[1] ? 'del' : 'add', address: m[2]! } : null;
}

/** Parse one `ip monitor address` line for `vip`: add, del, or not about the VIP. */
export function parseAddrLine(line: string, vip: string): 'add' | 'del' | null {
  const c = parseAddrChange(line);
  return c && c.address === vip ? c.op : null;
}

/**
 * One `ip -ts monitor address` line: its stamp ("[2026-11-24T09:38:10.664860] ",
 * this machine's local time, as `ip` prints it) as epoch ms, and the rest.
 * Null for a line without a stamp (the "valid_lft" continuation lines).
 */
export function parseStampedLine(line: string): { t: number; rest: string } | null {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\]\s+(.*)$/.exec(line);
  if (!m) return null;
  const t = new Date(m[1]!).getTime(); // no offset: local time, like ip's localtime()
  return Number.isNaN(t) ? null : { t: t + Number(m[2]) / 1000, rest: m[3]! };
}
