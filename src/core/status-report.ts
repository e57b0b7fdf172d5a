/** What `vipctl status` reports for one master, and its two renderings (JSON, table). Pure. */
import type { SentinelAnswer } from './sentinel-view';
import { clean, formatTable, paint, type Colour } from './table';
import type { Verdict } from './verdict';

export interface LocalRedis {
  /** `ip:port` asked with ROLE, or null when it could not be worked out (no Sentinel answered). */
  address: string | null;
  /** ROLE's first word (master, slave, sentinel), or null when it did not answer. */
  role: string | null;
  error?: string;
}

export interface MasterStatus {
  name: string;
  vip: string;
  /** Where the VIP is bound here, else where it would go; null when neither is known. */
  interface: string | null;
  boundHere: boolean;
  sentinelMaster: string | null;
  sentinelsAgreeing: number;
  sentinelsTotal: number;
  /** null: unknown (this host's Redis did not answer ROLE, or no Sentinel gave its port). */
  localIsMaster: boolean | null;
  verdict: Verdict;
  reason: string;
  answers: SentinelAnswer[];
  localRedis: LocalRedis;
  /** MAC of another host answering ARP for the VIP; probed only when the VIP is not bound here. */
  otherHolderMac: string | null;
  /** `skipped: ...`, `no answer`, `answered`, or `failed: ...`. */
  arpProbe: string;
  /** What watch's fence rule says of these answers, were they to last the fence time (core/watch/fence.ts). */
  fence?: { rule: 'ok' | 'fence' | 'fence-skipped'; reason: string };
  /** What moves the VIP on this host. */
  mover?: Mover;
}

/** What moves this master's VIP on this host: a running watcher, the hook in the local Sentinel, both, neither. */
export interface Mover {
  /** pid of the running `vipctl watch`, or null. */
  watcherPid: number | null;
  /** yes: the local Sentinel's client-reconfig-script for this master is this vipctl; no: it is not; unknown: no local Sentinel, or it did not answer. */
  hook: 'yes' | 'no' | 'unknown';
  /** One line for people. */
  text: string;
}

export interface MoverFacts {
  watcher: { running: number | null; recorded: number | null; hidden: string | null };
  /** The local Sentinel (host:port) and its client-reconfig-script for the master (null: none set), or why it is not known. */
  localSentinel: { sentinel: string; script: string | null; ours: boolean } | { sentinel: string | null; error: string };
}

export function describeMover(f: MoverFacts): Mover {
  const w = f.watcher;
  const unseen = w.running === null && w.recorded !== null && w.hidden !== null ? `watch.pid names pid ${w.recorded}, which this user cannot see (${w.hidden})` : null;
  const ls = f.localSentinel;
  const hook: Mover['hook'] = 'error' in ls ? 'unknown' : ls.ours ? 'yes' : 'no';
  const hookText = 'error' in ls ? `hook unknown (${ls.sentinel ? `local Sentinel ${ls.sentinel}: ${ls.error}` : ls.error})` : ls.ours ? `the hook (client-reconfig-script of the local Sentinel ${ls.sentinel})` : null;
  const watcherText = w.running !== null ? `the watcher (pid ${w.running})` : unseen;
  const text =
    watcherText && hook === 'yes'
      ? `${watcherText} and ${hookText}`
      : watcherText
        ? `${watcherText}${hook === 'unknown' ? `; ${hookText}` : ''}`
        : hook === 'yes'
          ? `${hookText}; no watcher runs here`
          : hook === 'no'
            ? `nothing: no watcher runs here and the local Sentinel ${(ls as { sentinel: string }).sentinel} runs no vipctl hook${(ls as { script: string | null }).script ? ` (its client-reconfig-script is ${(ls as { script: string }).script})` : ''}`
            : `no watcher runs here; ${hookText}`;
  return { watcherPid: w.running, hook, text };
}

export interface StatusReport {
  masters: MasterStatus[];
}

const VERDICT_COLOUR: Record<Verdict, Colour> = { ok: 'green', 'should-bind': 'red', 'should-unbind': 'red', unknown: 'yellow', held: 'yellow', conflict: 'red' };

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

/** The compact table plus, per master, why and what each Sentinel said. */
export function formatStatus(report: StatusReport, colour = false): string[] {
  const rows = report.masters.map((m) => [
    m.name,
    m.vip,
    m.interface ?? '-',
    m.boundHere ? 'yes' : 'no',
    m.sentinelMaster ?? 'none',
    `${m.sentinelsAgreeing}/${m.sentinelsTotal}`,
    m.localRedis.role ?? 'unknown',
    m.otherHolderMac ?? (m.arpProbe.startsWith('failed') ? '?' : '-'),
    { text: m.verdict, colour: VERDICT_COLOUR[m.verdict] },
  ]);
  const out = formatTable(['MASTER', 'VIP', 'IFACE', 'BOUND HERE', 'SENTINEL MASTER', 'AGREE', 'LOCAL REDIS', 'OTHER HOLDER', 'VERDICT'], rows, colour);
  for (const m of report.masters) {
    // (clean: a Sentinel's or Redis's words, never raw on the terminal)
    out.push('', `${clean(m.name)}: ${paint(m.verdict, VERDICT_COLOUR[m.verdict], colour)}: ${clean(m.reason)}`);
    for (const a of m.answers) out.push(`  sentinel ${clean(a.sentinel)}: ${a.master !== null ? clean(a.master) : paint(clean(a.error ?? 'no answer'), 'yellow', colour)}`);
    const r = m.localRedis;
    out.push(`  local redis ${clean(r.address ?? '(address unknown)')}: ${r.role !== null ? clean(r.role) : paint(clean(r.error ?? 'no answer'), 'yellow', colour)} (is master: ${yesNo(m.localIsMaster)})`);
    out.push(`  ${m.vip.includes(':') ? 'NDP (ndisc6)' : 'ARP'} probe for the VIP: ${clean(m.otherHolderMac ? `answered by ${m.otherHolderMac}` : m.arpProbe)}`);
    if (m.mover) out.push(`  moved here by: ${m.mover.watcherPid === null && m.mover.hook === 'no' ? paint(clean(m.mover.text), 'yellow', colour) : clean(m.mover.text)}`);
    if (m.fence) out.push(`  fence rule (watch): ${m.fence.rule === 'ok' ? m.fence.rule : paint(m.fence.rule, 'yellow', colour)}: ${clean(m.fence.reason)}`);
  }
  return out;
}
