/**
 * What makes a config file unsafe to use, or worth a warning. Pure: takes the
 * file's (and its directory's) stat facts. vipctl runs as root and the config
 * decides what root runs against, and can hold passwords.
 *
 * Refused (exit 2): not a regular file; owned by someone other than root or
 * vipctl's own user; writable by group or others; bigger than MAX_CONFIG_BYTES;
 * in a directory that group or others can write (they could swap the file);
 * any directory on the way to it (every ancestor of the path as given and of
 * its realpath) owned by another user or writable by group or others without
 * the sticky bit; a symlink on the way owned by another user (a nobody-owned
 * link to a root-owned config in a 0777 directory was accepted); readable by
 * every local user (o+r) while it holds a password. A group may read it:
 * one ownership serves the hook and the watcher alike, root:vipctl 0640, the
 * service users (vipctl, and redis for the hook) members of group vipctl
 * (see core/path-trust). Every fix suggested keeps it readable by them.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface FileFacts {
  isFile: boolean;
  uid: number;
  mode: number;
  size: number;
}

export interface DirFacts {
  uid: number;
  mode: number;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** The config's one ownership: root writes it, the shared group (the service users) reads it. */
export const CONFIG_OWNERSHIP_FIX = (path: string, group = 'vipctl'): string => `chown root:${group} ${path} && chmod 640 ${path}`;

/** Why vipctl must not use this config file, or null. `euid`: vipctl's own user. */
export function configFileRefusal(path: string, file: FileFacts, dir: DirFacts | null, euid: number): string | null {
  const owners = euid === 0 ? 'root' : `root or uid ${euid}`;
  if (!file.isFile) return `${path} is not a regular file`;
  if (file.uid !== 0 && file.uid !== euid) return `${path} is owned by uid ${file.uid}, not ${owners}; fix with: ${CONFIG_OWNERSHIP_FIX(path)} (the service users read it as members of group vipctl)`;
  if ((file.mode & 0o022) !== 0) return `${path} is writable by group or others (mode ${octal(file.mode)}); fix with: chmod go-w ${path}`;
  if (file.size > MAX_CONFIG_BYTES) return `${path} is ${file.size} bytes, more than the ${MAX_CONFIG_BYTES} a config may have`;
  if (dir && dir.uid !== 0 && dir.uid !== euid) return `${path}: its directory is owned by uid ${dir.uid}, not ${owners}; fix with: chown root:vipctl DIR && chmod 750 DIR (DIR: the file's directory)`;
  // A sticky directory (/tmp) lets others create files but not replace ours.
  if (dir && (dir.mode & 0o022) !== 0 && (dir.mode & 0o1000) === 0) return `${path}: its directory is writable by group or others (mode ${octal(dir.mode)}), so the file could be replaced`;
  return null;
}

/** One entry on the way to the config file (lstat facts): a directory, or a symlink followed. */
export interface PathEntry {
  path: string;
  uid: number;
  mode: number;
  symlink: boolean;
}

/**
 * Why a directory or symlink on the way to the config lets another user swap
 * the file, or null. Directories: owned by root or vipctl's user, and not
 * writable by group or others unless sticky (/tmp: others may add entries,
 * not replace ours). Symlinks: owned by root or vipctl's user (in a sticky
 * directory, a link's owner may replace it).
 */
export function ancestorRefusal(path: string, entries: readonly PathEntry[], euid: number): string | null {
  const owners = euid === 0 ? 'root' : `root or uid ${euid}`;
  for (const e of entries) {
    if (e.uid !== 0 && e.uid !== euid) return `${path}: ${e.path} (on the way to it${e.symlink ? ', a symlink' : ''}) is owned by uid ${e.uid}, not ${owners}, who could swap the file`;
    if (!e.symlink && (e.mode & 0o022) !== 0 && (e.mode & 0o1000) === 0) return `${path}: ${e.path} (on the way to it) is writable by group or others (mode ${octal(e.mode)}), so the file could be swapped`;
  }
  return null;
}

/** Why a config file holding a password must not be used: readable by every local user. */
export function passwordRefusal(path: string, file: FileFacts, holdsPassword: boolean): string | null {
  return holdsPassword && (file.mode & 0o004) !== 0 ? `${path} holds a password and is readable by every local user (mode ${octal(file.mode)}); fix with: ${CONFIG_OWNERSHIP_FIX(path)} (the service users read it as members of group vipctl)` : null;
}

/** Warnings about a config file vipctl still uses (none at present: what used to be one, a password readable by all, is refused). */
export function configFileWarnings(_path: string, _file: FileFacts, _holdsPassword: boolean): string[] {
  return [];
}

/** Does a parsed config document carry a password of its own (not from the environment)? */
export function holdsPassword(doc: unknown): boolean {
  const d = doc as { sentinel?: { password?: unknown }; redis?: { password?: unknown } } | null;
  return typeof d === 'object' && d !== null && (d.sentinel?.password !== undefined || d.redis?.password !== undefined);
}
