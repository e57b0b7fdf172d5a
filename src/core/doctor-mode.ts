/**
 * What this host runs to move the VIP, as doctor judges it: the watcher, the
 * hook (Sentinel's client-reconfig-script is this vipctl), both or neither;
 * and what doctor could not see, with why (another user's process behind
 * /proc's hidepid, ss showing other users' sockets' processes to root only).
 * Pure: the facts are gathered in src/doctor/mode.ts.
 */
import { pass, warn, type CheckResult } from './doctor';

export interface ModeFacts {
  /** The pid in <runDir>/watch.pid, and that pid when /proc confirms a running `vipctl watch`. */
  watcher: { recorded: number | null; running: number | null };
  /** Why this user cannot see other users' processes, or null when it can. */
  hidden: string | null;
  /** The Sentinel(s) whose client-reconfig-script is this vipctl, for which masters, and whether that script is the package's hook executable (empty: none). */
  hook: { sentinel: string; master: string; packaged?: boolean }[];
  /** The package's hook helper: its socket path, and whether a socket is there (vipctl-hook.socket listening). */
  helper?: { socket: string; listening: boolean };
  /** The configured Sentinel on this host ("host:port"), when one of them has a local address. */
  localSentinel: string | null;
}

export interface DoctorMode {
  watcher: boolean;
  /** The watcher's pid may be there but unseen (hidden). */
  watcherUnseen: boolean;
  watcherPid: number | null;
  hook: boolean;
  /**
   * Every local hook is the package's hook executable and its helper listens:
   * Sentinel only relays, so it needs no capability, no node, no ip (src/hook-relay.ts).
   */
  relayed: boolean;
  /** Some local hook is the package's hook executable but no helper listens: it runs the hook inside Sentinel. */
  unrelayedPackaged: boolean;
  label: 'watcher' | 'hook' | 'both' | 'neither';
}

export function modeOf(f: ModeFacts): DoctorMode {
  const watcherUnseen = f.watcher.running === null && f.watcher.recorded !== null && f.hidden !== null;
  const watcher = f.watcher.running !== null || watcherUnseen;
  const hooks = f.localSentinel ? f.hook.filter((h) => h.sentinel === f.localSentinel) : f.hook;
  const hook = hooks.length > 0;
  const packaged = hook && hooks.every((h) => h.packaged === true);
  const listening = f.helper?.listening === true;
  return {
    watcher,
    watcherUnseen,
    watcherPid: f.watcher.running ?? f.watcher.recorded,
    hook,
    relayed: packaged && listening,
    unrelayedPackaged: hooks.some((h) => h.packaged === true) && !listening,
    label: watcher && hook ? 'both' : watcher ? 'watcher' : hook ? 'hook' : 'neither',
  };
}

/** The first line of doctor's mode-dependent part: what runs here, and which checks follow from it. */
export function judgeMode(f: ModeFacts, m: DoctorMode = modeOf(f)): CheckResult {
  const hooks = (f.localSentinel ? f.hook.filter((h) => h.sentinel === f.localSentinel) : f.hook);
  const through = m.relayed ? `, relayed to the hook helper at ${f.helper!.socket}` : '';
  const hookText = `the hook (client-reconfig-script of ${f.localSentinel ? `the local Sentinel ${f.localSentinel}` : `Sentinel ${[...new Set(hooks.map((h) => h.sentinel))].join(', ')}`} is this vipctl, for ${[...new Set(hooks.map((h) => h.master))].join(', ')}${through})`;
  const watcherText = m.watcherUnseen ? `the watcher (watch.pid names pid ${m.watcherPid}, which this user cannot see: ${f.hidden})` : `the watcher (pid ${m.watcherPid})`;
  const check = 'what moves the VIP here';
  switch (m.label) {
    case 'both':
      return pass(check, `both: ${watcherText} and ${hookText}; they share the per-VIP lock, so both need the run dir`);
    case 'watcher':
      return (m.watcherUnseen ? warn : pass)(check, `${watcherText}; Sentinel runs no vipctl hook here, so the hook's checks (Sentinel's PATH, capabilities, unit) are skipped`, 'run vipctl doctor as root to see the watcher itself');
    case 'hook':
      return pass(check, `${hookText}; no watcher runs here (no live pid in watch.pid), so the watcher's checks are skipped`);
    default:
      // a warning: the failover hook lines (one per Sentinel) fail for it, with the sentinel.conf line
      return warn(check, `neither a watcher nor a hook${f.hidden ? ` (as far as this user can see: ${f.hidden})` : ''}: nothing moves the VIP on a failover`, 'systemctl enable --now vipctl-watch (the daemon), or set client-reconfig-script in sentinel.conf (the hook)');
  }
}

/** Why /proc hides other users' processes from this user (the hidepid mount option, systemd's ProtectProc=), or null. */
export function procHiddenReason(euid: number, procMountOptions: string | null): string | null {
  if (euid === 0) return null;
  const opt = procMountOptions?.split(',').find((o) => o.startsWith('hidepid='));
  if (!opt || opt === 'hidepid=0' || opt === 'hidepid=off') return null;
  return `/proc is mounted ${opt} for this process (systemd's ProtectProc= or the mount's option) and this is uid ${euid}, not root: other users' processes are hidden`;
}

/** The options of the /proc mount, from /proc/self/mountinfo text (after the " - proc proc " separator: the super options, where hidepid is). */
export function procMountOptions(mountinfo: string): string | null {
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[4] !== '/proc') continue;
    const sep = f.indexOf('-');
    if (sep < 0 || f[sep + 1] !== 'proc') continue;
    return [f[5], f[sep + 3]].filter(Boolean).join(',');
  }
  return null;
}
