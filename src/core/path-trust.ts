/**
 * Who vipctl trusts in its run and log directories: one model for every
 * entry point (the watcher as its service user `vipctl`, the hook as
 * Sentinel's user `redis`, root at a shell). Pure: takes /etc/group and
 * /etc/passwd text and stat facts.
 *
 * The shared group (`vipctl`, or $VIPCTL_GROUP) holds the service users.
 * Trusted owners: root, vipctl's own user, and the group's members (listed in
 * /etc/group, or with it as their primary group in /etc/passwd). A directory
 * or file may grant its group access only when that group is the shared one;
 * others never get to write (private places, the locks: nothing at all).
 * Anyone else (any other local user) can neither own, plant nor open anything
 * there. What vipctl creates it gives to the shared group with the owner's
 * rights (run dir and locks/ 2770, lock files 0660, log 0660), so that
 * whichever entry point made a file, the others can use it.
 */
export interface Trust {
  euid: number;
  /** The shared group's name (for messages) and gid, null when no such group exists. */
  group: string;
  gid: number | null;
  /** uids of the group's members. */
  members: readonly number[];
}

export const DEFAULT_GROUP = 'vipctl';

/** The trust from /etc/group and /etc/passwd text. */
export function parseTrust(euid: number, group: string, groupText: string, passwdText: string): Trust {
  let gid: number | null = null;
  let names: string[] = [];
  for (const line of groupText.split('\n')) {
    const f = line.split(':');
    if (f[0] === group && f.length >= 4 && /^\d+$/.test(f[2]!)) {
      gid = Number(f[2]);
      names = f[3]!.split(',').map((s) => s.trim()).filter(Boolean);
      break;
    }
  }
  const members = new Set<number>();
  if (gid !== null) {
    for (const line of passwdText.split('\n')) {
      const f = line.split(':');
      if (f.length < 4 || !/^\d+$/.test(f[2]!)) continue;
      if (names.includes(f[0]!) || Number(f[3]) === gid) members.add(Number(f[2]));
    }
  }
  return { euid, group, gid, members: [...members] };
}

export function trustedOwner(uid: number, t: Trust): boolean {
  return uid === 0 || uid === t.euid || t.members.includes(uid);
}

/** The mode vipctl gives what it creates: the owner's rights to the shared group too (and setgid on a directory), when there is one. */
export function sharedMode(mode: number, t: Trust, directory: boolean): number {
  if (t.gid === null) return mode;
  return mode | ((mode & 0o700) >> 3) | (directory ? 0o2000 : 0);
}

export interface Facts {
  uid: number;
  gid: number;
  mode: number;
}

export interface Refusal {
  problem: string;
  fix: string;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** How to make the group exist and hold the service users, when it does not yet. */
function groupSetup(t: Trust): string {
  return t.gid === null ? `groupadd --system ${t.group}; usermod -aG ${t.group} <each service user: vipctl, redis>; then ` : '';
}

/**
 * Why root (or a service user) must not write in or read from this directory
 * or file, or null. `privateMode`: nothing for others at all (the locks).
 * Every fix keeps the directory usable by root and every service user.
 */
export function ownershipRefusal(path: string, f: Facts, t: Trust, options: { directory: boolean; privateMode?: boolean }): Refusal | null {
  const shared = options.directory ? `chown root:${t.group} ${path} && chmod 2770 ${path}` : `chown root:${t.group} ${path} && chmod 0660 ${path}`;
  if (!trustedOwner(f.uid, t)) {
    const who = t.euid === 0 ? 'root' : `root, uid ${t.euid}`;
    return {
      problem: `is owned by uid ${f.uid}, which is neither ${who} nor a member of group ${t.group}${t.gid === null ? ' (no such group here)' : ''}`,
      fix: `if uid ${f.uid} is a vipctl service user (the watcher's or Sentinel's): ${groupSetup(t)}usermod -aG ${t.group} <that user>; else: ${groupSetup(t)}${shared}`,
    };
  }
  const otherBits = options.privateMode ? 0o007 : 0o002;
  if ((f.mode & otherBits) !== 0) {
    return { problem: `has mode ${octal(f.mode)} (${options.privateMode ? 'others must have no access' : 'others must not write to it'})`, fix: `fix with: chmod o-rwx ${path}` };
  }
  const groupBits = options.privateMode ? 0o070 : 0o020;
  if ((f.mode & groupBits) !== 0 && f.gid !== t.gid) {
    return {
      problem: `has mode ${octal(f.mode)} and group gid ${f.gid}, not group ${t.group}${t.gid === null ? ' (no such group here)' : ''}: that group's users could ${options.privateMode ? 'use' : 'write to'} it`,
      fix: `fix with: ${groupSetup(t)}chgrp ${t.group} ${path}`,
    };
  }
  return null;
}

/** Why the service users other than the owner could not write in this (trusted) directory, or null: the shared group needs rwx on it. */
export function sharedUseProblem(path: string, f: Facts, t: Trust): Refusal | null {
  if (t.gid === null) return null;
  if (f.gid === t.gid && (f.mode & 0o070) === 0o070) return null;
  return { problem: `group ${t.group} cannot write in it (group gid ${f.gid}, mode ${octal(f.mode)}): of the service users only its owner can`, fix: `chgrp ${t.group} ${path} && chmod 2770 ${path} (in a systemd unit: RuntimeDirectoryMode=2770 / LogsDirectoryMode=2770 and Group=${t.group})` };
}
