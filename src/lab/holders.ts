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

/** Parse one `ip monitor address` line for `vip` (IPv4 or IPv6): add, del, or not about the VIP. */
export function parseAddrLine(line: string, vip: string): 'add' | 'del' | null {
  const m = /^(Deleted )?\d+: \S+\s+inet6? (\S+?)\//.exec(line);
  if (!m || m[2] !== vip) return null;
  return m[1] ? 'del' : 'add';
}
