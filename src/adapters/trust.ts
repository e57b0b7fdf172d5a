/** The shared group and its members, read from /etc/group and /etc/passwd (see core/path-trust). Cached per process; tests set their own. */
import { readFileSync } from 'node:fs';
import { DEFAULT_GROUP, parseTrust, type Trust } from '../core/path-trust';

let cached: Trust | null = null;
let override: Trust | null = null;

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function currentTrust(env: NodeJS.ProcessEnv = process.env): Trust {
  if (override) return override;
  const euid = process.geteuid?.() ?? 0;
  const group = env.VIPCTL_GROUP || DEFAULT_GROUP;
  if (!cached || cached.euid !== euid || cached.group !== group) cached = parseTrust(euid, group, read('/etc/group'), read('/etc/passwd'));
  return cached;
}

/** For tests: the trust every safe-fs call uses (null: read the system's again). */
export function setTrust(t: Trust | null): void {
  override = t;
  cached = null;
}
