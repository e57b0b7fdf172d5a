/**
 * What makes a config file unsafe to use, or worth a warning. Pure: takes the
 * file's (and its directory's) stat facts. vipctl runs as root and the config
 * decides what root runs against, and can hold passwords.
 *
 * Refused (exit 2): not a regular file; owned by someone other than root or
 * vipctl's own user; writable by group or others; bigger than MAX_CONFIG_BYTES;
 * in a directory that group or others can write (they could swap the file).
 * Warned: readable by every local user (o+r) while it holds a password. A
 * group may read it: with the systemd drop-in the hook runs as Sentinel's
 * user (redis), so the file is root:redis 0640.
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

/** Why vipctl must not use this config file, or null. `euid`: vipctl's own user. */
export function configFileRefusal(path: string, file: FileFacts, dir: DirFacts | null, euid: number): string | null {
  const owners = euid === 0 ? 'root' : `root or uid ${euid}`;
  if (!file.isFile) return `${path} is not a regular file`;
  if (file.uid !== 0 && file.uid !== euid) return `${path} is owned by uid ${file.uid}, not ${owners}; fix with: chown root ${path}`;
  if ((file.mode & 0o022) !== 0) return `${path} is writable by group or others (mode ${octal(file.mode)}); fix with: chmod go-w ${path}`;
  if (file.size > MAX_CONFIG_BYTES) return `${path} is ${file.size} bytes, more than the ${MAX_CONFIG_BYTES} a config may have`;
  if (dir && dir.uid !== 0 && dir.uid !== euid) return `${path}: its directory is owned by uid ${dir.uid}, not ${owners}`;
  // A sticky directory (/tmp) lets others create files but not replace ours.
  if (dir && (dir.mode & 0o022) !== 0 && (dir.mode & 0o1000) === 0) return `${path}: its directory is writable by group or others (mode ${octal(dir.mode)}), so the file could be replaced`;
  return null;
}

/** Warnings about a config file vipctl still uses. */
export function configFileWarnings(path: string, file: FileFacts, holdsPassword: boolean): string[] {
  const warnings: string[] = [];
  if (holdsPassword && (file.mode & 0o004) !== 0) {
    warnings.push(`${path} holds a password and is readable by every local user (mode ${octal(file.mode)}); fix with: chmod o-r ${path}`);
  }
  return warnings;
}

/** Does a parsed config document carry a password of its own (not from the environment)? */
export function holdsPassword(doc: unknown): boolean {
  const d = doc as { sentinel?: { password?: unknown }; redis?: { password?: unknown } } | null;
  return typeof d === 'object' && d !== null && (d.sentinel?.password !== undefined || d.redis?.password !== undefined);
}
