/**
 * The least-privilege Sentinel ACL user vipctl needs, as one `user` line for
 * sentinel.conf (or ACL SETUSER). Pure.
 *
 * What vipctl sends to Sentinel: AUTH (always allowed), PING (the watcher's
 * reachability check), SENTINEL GET-MASTER-ADDR-BY-NAME (every query),
 * SENTINEL MASTERS (every master's address and timings in one reply per pass:
 * reconcile, status, watch), SENTINEL MASTER (doctor's hook and Redis checks), and
 * SUBSCRIBE to WATCH_CHANNELS by name (watch). No INFO, no CLIENT SETINFO
 * (src/adapters/connection.ts turns both off). Channels are closed to a new
 * user since Redis 7 (acl-pubsub-default resetchannels); each one is granted
 * by name.
 */
import { fail, pass, type CheckResult } from './doctor';
import { WATCH_CHANNELS } from './watch/channels';

export const ACL_COMMANDS = ['ping', 'sentinel|get-master-addr-by-name', 'sentinel|masters', 'sentinel|master', 'subscribe'] as const;

/**
 * The `user` line. `passwordRule` is an ACL password rule: `#<sha256 hex>`
 * (what doctor prints: the password never appears) or `><password>`.
 */
export function aclUserLine(username: string, passwordRule: string): string {
  return ['user', username, 'on', passwordRule, 'resetchannels', '-@all', ...ACL_COMMANDS.map((c) => `+${c}`), ...WATCH_CHANNELS.map((c) => `&${c}`)].join(' ');
}

/** One probe of a permission: a command or a channel, and the ACL rule that grants it. */
export interface AclProbe {
  kind: 'command' | 'channel';
  /** sentinel|master, +odown */
  name: string;
  /** +sentinel|master, &+odown */
  rule: string;
}

export function aclProbes(): AclProbe[] {
  return [...ACL_COMMANDS.map((c) => ({ kind: 'command' as const, name: c, rule: `+${c}` })), ...WATCH_CHANNELS.map((c) => ({ kind: 'channel' as const, name: c, rule: `&${c}` }))];
}

/** The fix for a user missing some rules: the rules themselves, and the whole line. */
export function aclFix(username: string, missing: readonly string[], passwordRule: string): string {
  return `on every Sentinel: ACL SETUSER ${username} ${missing.join(' ')} (and in sentinel.conf, so it survives a restart, the whole user: ${aclUserLine(username, passwordRule)})`;
}

/** What doctor's ACL check found on one Sentinel: the rules whose probe got NOPERM. */
export interface AclFindings {
  missing: string[];
  /** Sentinel's first NOPERM message, for the detail. */
  error: string | null;
}

/** The ACL check's line for one Sentinel; the user line as a note when a username is configured (the line to install). */
export function judgeAcl(sentinel: string, username: string | undefined, passwordRule: string, f: AclFindings): CheckResult {
  const user = username ?? 'default';
  const check = `sentinel ACL ${sentinel} (user ${user})`;
  if (f.missing.length === 0) {
    const r = pass(check, `may run ${ACL_COMMANDS.filter((c) => c !== 'subscribe').join(', ')} and subscribe to the ${WATCH_CHANNELS.length} watch channels`);
    return username ? { ...r, note: `least privilege: ${aclUserLine(user, passwordRule)}` } : r;
  }
  return fail(check, `NOPERM for ${f.missing.join(' ')}${f.error ? ` (${f.error})` : ''}: ${f.missing.some((m) => m.startsWith('&')) ? 'watch would miss those events' : 'vipctl cannot ask this Sentinel'}`, aclFix(user, f.missing, passwordRule));
}
