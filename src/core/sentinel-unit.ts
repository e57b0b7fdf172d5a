/**
 * doctor: does the systemd unit Sentinel runs under let a Node hook work?
 * Pure: judges the properties `systemctl show redis-sentinel.service -p ...`
 * prints (Key=value lines), the way Debian 12's hardened unit sets them, and
 * names each blocker. The fix is the drop-in in deploy/redis-sentinel.service.d/.
 */
import { fail, pass, type CheckResult } from './doctor';

export const SENTINEL_UNIT = 'redis-sentinel.service';

/** The properties read (systemctl show -p, comma-separated). */
export const UNIT_PROPERTIES = [
  'LoadState',
  'User',
  'NoExecPaths',
  'ExecPaths',
  'CapabilityBoundingSet',
  'AmbientCapabilities',
  'PrivateUsers',
  'MemoryDenyWriteExecute',
  'RestrictAddressFamilies',
  'SystemCallFilter',
  'ProtectSystem',
  'ReadWritePaths',
  'LogsDirectory',
  'RuntimeDirectory',
] as const;

export const DROPIN_FIX =
  'install deploy/redis-sentinel.service.d/vipctl.conf as /etc/systemd/system/redis-sentinel.service.d/vipctl.conf (adjust its paths), then systemctl daemon-reload && systemctl restart redis-sentinel';

/** `Key=value` lines as a map (the last of a repeated key wins, as systemctl prints each once). */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** What the hook needs from the unit: the programs it executes, and where it writes. */
export interface HookNeeds {
  /** /usr/bin/env (the #! line), node, vipctl's directory, ip, arping. */
  execs: string[];
  /** Directories written: the log file's and the run dir. */
  writes: string[];
  /**
   * The package's hook without capabilities: Sentinel's script is
   * /usr/lib/vipctl/vipctl-hook and a helper listens (vipctl-hook.socket,
   * src/hook-relay.ts). Sentinel's side then connects to a unix socket and
   * nothing more: no capability, no netlink or packet socket, no arping, no
   * write; only Node's own needs (exec, JIT, pkey_alloc) remain.
   */
  relayed?: boolean;
}

const words = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);
const yes = (v: string | undefined): boolean => /^(yes|true|1|on)$/i.test(v ?? '');
const under = (path: string, dir: string): boolean => dir === '/' || path === dir || path.startsWith(`${dir.replace(/\/$/, '')}/`);
/** ExecPaths-style lists: a leading "-" (ignore if absent) or "+"/":" markers are not part of the path. */
const paths = (v: string | undefined): string[] => words(v).map((w) => w.replace(/^[-+:]+/, ''));

/** An allow-list (no leading ~) or a deny-list, as systemctl prints both. */
function list(v: string | undefined): { deny: boolean; items: Set<string> } | null {
  const w = words(v);
  if (w.length === 0) return null;
  const deny = w[0]!.startsWith('~');
  return { deny, items: new Set(w.map((x) => x.replace(/^~/, ''))) };
}

/** What stops Node itself: the JIT, and pkey_alloc under a seccomp list. */
function nodeBlockers(p: Record<string, string>): string[] {
  const out: string[] = [];
  if (yes(p.MemoryDenyWriteExecute)) out.push("MemoryDenyWriteExecute=yes: Node's JIT cannot run");
  const calls = list(p.SystemCallFilter);
  if (calls && (calls.deny ? calls.items.has('pkey_alloc') || calls.items.has('@pkey') : !calls.items.has('pkey_alloc') && !calls.items.has('@pkey'))) {
    out.push(`SystemCallFilter ${calls.deny ? 'denies' : 'allows only a list without'} pkey_alloc: Node is killed at start`);
  }
  return out;
}

/** Every setting of the unit that stops the hook, in words; empty when none does. */
export function unitBlockers(p: Record<string, string>, needs: HookNeeds): string[] {
  const out: string[] = [];
  const noExec = paths(p.NoExecPaths);
  const exec = paths(p.ExecPaths);
  const blockedExec = needs.execs.filter((x) => noExec.some((d) => under(x, d)) && !exec.some((d) => under(x, d)));
  if (blockedExec.length > 0) out.push(`NoExecPaths=${noExec.join(' ')} and ExecPaths lacks ${blockedExec.join(', ')}: the hook cannot be executed`);

  if (needs.relayed) return [...out, ...nodeBlockers(p)];
  if (p.CapabilityBoundingSet !== undefined) {
    const caps = new Set(words(p.CapabilityBoundingSet).map((c) => c.toLowerCase()));
    const missing = ['cap_net_admin', 'cap_net_raw'].filter((c) => !caps.has(c));
    if (missing.length > 0) out.push(`CapabilityBoundingSet=${p.CapabilityBoundingSet || '(empty)'} lacks ${missing.join(', ')}: no ip addr, no arping`);
  }
  const user = p.User ?? '';
  if (user !== '' && user !== 'root' && user !== '0') {
    const ambient = new Set(words(p.AmbientCapabilities).map((c) => c.toLowerCase()));
    const missing = ['cap_net_admin', 'cap_net_raw'].filter((c) => !ambient.has(c));
    if (missing.length > 0) out.push(`User=${user} and AmbientCapabilities lacks ${missing.join(', ')}: the hook runs without them`);
  }
  if (yes(p.PrivateUsers)) out.push('PrivateUsers=yes: capabilities in a private user namespace do not reach the host network');
  if (yes(p.MemoryDenyWriteExecute)) out.push("MemoryDenyWriteExecute=yes: Node's JIT cannot run");

  const families = list(p.RestrictAddressFamilies);
  if (families) {
    const missing = ['AF_NETLINK', 'AF_PACKET'].filter((f) => (families.deny ? families.items.has(f) : !families.items.has(f)));
    if (missing.length > 0) out.push(`RestrictAddressFamilies=${p.RestrictAddressFamilies} ${families.deny ? 'denies' : 'lacks'} ${missing.join(', ')}: ip needs netlink, arping a packet socket`);
  }
  const calls = list(p.SystemCallFilter);
  if (calls) {
    const has = (name: string, group?: string): boolean => calls.items.has(name) || (group !== undefined && calls.items.has(group));
    const needed: Array<[string, string | undefined]> = [['pkey_alloc', '@pkey'], ['capset', undefined], ['setuid', undefined]];
    const missing = needed.filter(([n, g]) => (calls.deny ? has(n, g) : !has(n, g))).map(([n]) => n);
    if (missing.length > 0) out.push(`SystemCallFilter ${calls.deny ? 'denies' : 'allows only a list without'} ${missing.join(', ')}: Node (pkey_alloc) or arping (capset, setuid) is killed`);
  }
  if (/^strict$/i.test(p.ProtectSystem ?? '')) {
    const writable = [...paths(p.ReadWritePaths), ...words(p.LogsDirectory).map((d) => `/var/log/${d}`), ...words(p.RuntimeDirectory).map((d) => `/run/${d}`)];
    const readOnly = needs.writes.filter((w) => !writable.some((d) => under(w, d)));
    if (readOnly.length > 0) out.push(`ProtectSystem=strict and ${readOnly.join(', ')} not in ReadWritePaths, LogsDirectory or RuntimeDirectory: the log and the locks cannot be written`);
  }
  return out;
}

/**
 * The check's line. `show` is systemctl's output, or the reason it could not
 * run (no systemd here: a warning, not a failure).
 */
export function judgeSentinelUnit(show: { ok: true; text: string } | { ok: false; error: string }, needs: HookNeeds): CheckResult {
  const check = SENTINEL_UNIT;
  if (!show.ok) return { check, status: 'warn', detail: `not checked: systemctl show failed (${show.error}); systemd does not seem to run here`, fix: 'where Sentinel runs under systemd, run vipctl doctor there' };
  const p = parseShow(show.text);
  if (p.LoadState !== undefined && p.LoadState !== 'loaded') return pass(check, `not installed here (LoadState=${p.LoadState}): nothing to check`);
  const blockers = unitBlockers(p, needs);
  return blockers.length === 0 ? pass(check, 'lets the hook run (exec paths, capabilities, JIT, netlink and packet sockets, system calls, writable log and run dirs)') : fail(check, blockers.join('; '), DROPIN_FIX);
}
