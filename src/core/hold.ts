/**
 * A maintenance hold (`vipctl hold <master>`): while it lasts, vipctl on this
 * host leaves that master's VIP as it is, in every mode (the pass every mode
 * shares reads it: src/pass/converge.ts). Pure: the record, its text form,
 * durations, and whether it holds at a moment. The file is src/adapters/hold-store.ts.
 */
import { VipctlError } from './errors';

export interface Hold {
  master: string;
  /** Epoch ms. */
  since: number;
  until: number;
  reason: string;
  /** Who set it: user name or uid, as the command saw it. */
  by: string;
}

export const DEFAULT_HOLD_MS = 30 * 60_000;
/** A hold is for maintenance, not a way to switch vipctl off: at most a day. */
export const MAX_HOLD_MS = 24 * 3600_000;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000 };

/** `90s`, `30m`, `2h`, `1h30m` (a bare number is minutes) -> ms, within (0, MAX_HOLD_MS]. */
export function parseDuration(text: string): number {
  const t = text.trim();
  let ms = 0;
  if (/^\d+$/.test(t)) ms = Number(t) * UNITS.m!;
  else {
    const parts = [...t.matchAll(/(\d+)([smh])/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) throw new VipctlError('USAGE', `--for: not a duration: ${JSON.stringify(text)} (e.g. 90s, 30m, 2h, 1h30m)`, { key: 'for' });
    for (const p of parts) ms += Number(p[1]) * UNITS[p[2]!]!;
  }
  if (ms <= 0 || ms > MAX_HOLD_MS) throw new VipctlError('USAGE', `--for: ${JSON.stringify(text)} must be more than 0 and at most 24h`, { key: 'for' });
  return ms;
}

/** The reason as one printable line (it goes into logs and status). */
export function cleanReason(text: string | undefined): string {
  // terminal escape sequences whole (ESC [ ... final byte), then any other control character
  const r = (text ?? '').replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return r.slice(0, 200) || 'maintenance';
}

export function holdText(h: Hold): string {
  return `${JSON.stringify(h)}\n`;
}

/** A hold file's text, or null when it is not one (a broken file holds nothing: vipctl acts as without it). */
export function parseHold(text: string, master: string): Hold | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const h = v as Partial<Hold>;
  if (typeof h !== 'object' || h === null || h.master !== master) return null;
  if (![h.since, h.until].every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  if (typeof h.reason !== 'string' || typeof h.by !== 'string') return null;
  return { master, since: h.since!, until: h.until!, reason: cleanReason(h.reason), by: cleanReason(h.by) };
}

/** Does the hold hold at `now`? An expired one does not (it lapses by itself). */
export function holding(h: Hold | null, now: number): h is Hold {
  return h !== null && now < h.until;
}

export function describeHold(h: Hold, now: number): string {
  const left = Math.max(0, Math.round((h.until - now) / 1000));
  return `held by ${h.by} since ${new Date(h.since).toISOString()} for ${left} s more: ${h.reason}`;
}
