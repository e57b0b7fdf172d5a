/** Facts about this host that doctor and status read: /proc, sockets, PATH, file access. Read-only. */
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSocketTable, type SocketEntry } from '../core/socket-table';
import { ok, run } from './run';

/** /proc/PID/status text ('self' for this process), or null. */
export function procStatus(pid: number | 'self'): string | null {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * One variable of a process's environment (/proc/PID/environ): its value,
 * null when unset, or 'unreadable' when the file cannot be read or holds no
 * variables at all. Redis and Sentinel overwrite that memory with their
 * process title (setproctitle), so for them it is usually unreadable, while
 * the copy they pass to client-reconfig-script is intact.
 */
export function procEnv(pid: number, name: string): string | null | 'unreadable' {
  try {
    const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((e) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(e));
    if (entries.length === 0) return 'unreadable';
    const entry = entries.find((e) => e.startsWith(`${name}=`));
    return entry === undefined ? null : entry.slice(name.length + 1);
  } catch {
    return 'unreadable';
  }
}

/** `ss -ltnH` (with -p: the owning processes) in this network namespace; null when ss fails. */
export async function listeningSockets(withProcesses: boolean): Promise<string | null> {
  const r = await run(['ss', withProcesses ? '-ltnpH' : '-ltnH']);
  return ok(r) ? r.stdout : null;
}

/** First executable `command` on `path` (a PATH value), or null. */
export function findOnPath(command: string, path: string): string | null {
  for (const dir of path.split(':')) {
    if (!dir) continue;
    const file = join(dir, command);
    try {
      if (statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        return file;
      }
    } catch {
      /* next */
    }
  }
  return null;
}

export function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * Can this user write `path` (a file or a directory)? A missing path is judged
 * by its nearest existing parent, since vipctl creates what is missing. Null
 * when writable, else why not.
 */
export function writableError(path: string): string | null {
  let p = path;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) return 'no existing parent directory';
    p = up;
  }
  try {
    accessSync(p, constants.W_OK);
    return null;
  } catch (e) {
    return `${p === path ? '' : `${p} (nearest existing parent): `}not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/** realpath of this installation's bin/vipctl (the package root found from this module upwards). */
export function vipctlBin(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vipctl') return realpathOrNull(join(dir, 'bin', 'vipctl')) ?? join(dir, 'bin', 'vipctl');
    } catch {
      /* not here */
    }
    const up = dirname(dir);
    if (up === dir) return realpathOrNull(process.argv[1] ?? '') ?? 'bin/vipctl';
    dir = up;
  }
}

/** /proc/net/tcp and /proc/net/tcp6 of this network namespace, parsed (a missing file counts as empty: no IPv6). */
export function readSocketTable(): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      out.push(...parseSocketTable(readFileSync(f, 'utf8')));
    } catch {
      /* no such table */
    }
  }
  return out;
}

/** /etc/passwd's entries (name and uid); empty when it cannot be read. */
function passwd(): Array<{ name: string; uid: number }> {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
      .map((f) => ({ name: f[0]!, uid: Number(f[2]) }));
  } catch {
    return [];
  }
}

/** The uid of a user given by name or number, or null when no such user exists (a number is taken as it is). */
export function uidOf(user: string): number | null {
  if (/^\d+$/.test(user)) return Number(user);
  return passwd().find((e) => e.name === user)?.uid ?? null;
}

/** "uid 65534 (nobody)", or "uid N" for a uid with no name. */
export function describeUid(uid: number): string {
  const name = passwd().find((e) => e.uid === uid)?.name;
  return name === undefined ? `uid ${uid}` : `uid ${uid} (${name})`;
}
