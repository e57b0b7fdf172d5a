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
    if (m.fence) out.push(`  fence rule (watch): ${m.fence.rule === 'ok' ? m.fence.rule : paint(m.fence.rule, 'yellow', colour)}: ${clean(m.fence.reason)}`);
  }
  return out;
}
