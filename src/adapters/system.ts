/**
 * Which programs vipctl runs, and with what environment. vipctl runs as root
 * from Sentinel with whatever PATH and environment Sentinel (or a shell) has:
 *
 * - `ip`, `arping`, `ndptool` and `ndisc6` (IPv6) are taken from fixed system directories, never from the
 *   caller's PATH: the first of /usr/sbin, /usr/bin, /sbin, /bin that has the
 *   file, which must be a regular file owned by root and not writable by
 *   group or others;
 * - any other bare name is looked up in the fixed PATH below, not the caller's;
 * - children get only CHILD_ENV (no secrets such as $VIPCTL_SENTINEL_PASSWORD,
 *   no DEBUG, no LD_PRELOAD).
 *
 * Plans stay data: they name `ip` and `arping`; resolveArgv maps them when run.
 */
import { statSync } from 'node:fs';
import { VipctlError } from '../core/errors';

export const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;
export const SYSTEM_PATH = SYSTEM_DIRS.join(':');

/** The whole environment of every child vipctl starts. LC_ALL=C: stable messages to match on ("File exists"). */
export const CHILD_ENV: Readonly<Record<string, string>> = Object.freeze({ PATH: SYSTEM_PATH, LC_ALL: 'C' });

/** Programs resolved from SYSTEM_DIRS only. */
export const SYSTEM_TOOLS: ReadonlySet<string> = new Set(['ip', 'arping', 'ndptool', 'ndisc6']);

/** The Debian package of each system tool, for messages. */
export const PACKAGE_OF: Readonly<Record<string, string>> = { ip: 'iproute2', arping: 'iputils-arping', ndptool: 'libndp-tools', ndisc6: 'ndisc6' };

const resolved = new Map<string, string>();

/**
 * Absolute path of a system tool: the first SYSTEM_DIRS entry holding it. The
 * file found first must be safe (regular, root-owned, not group/other-writable):
 * a later directory is never tried instead of an unsafe first one.
 */
export function resolveTool(name: string, dirs: readonly string[] = SYSTEM_DIRS): string {
  const cached = dirs === SYSTEM_DIRS ? resolved.get(name) : undefined;
  if (cached) return cached;
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (!st.isFile()) throw new VipctlError('EXEC', `${path} is not a regular file; vipctl runs ${name} only from ${dirs.join(', ')}`);
    if (st.uid !== 0) throw new VipctlError('EXEC', `${path} is owned by uid ${st.uid}, not root: refusing to run it as ${name}`);
    if ((st.mode & 0o022) !== 0) throw new VipctlError('EXEC', `${path} is writable by group or others (mode ${(st.mode & 0o7777).toString(8)}): refusing to run it; fix with: chmod go-w ${path}`);
    if (dirs === SYSTEM_DIRS) resolved.set(name, path);
    return path;
  }
  throw new VipctlError('EXEC', `${name} not found in ${dirs.join(', ')} (install ${PACKAGE_OF[name] ?? 'iproute2'})`);
}

/** argv with argv[0] mapped: a system tool to its absolute path; anything else unchanged (execFile then looks in CHILD_ENV's PATH). */
export function resolveArgv(argv: readonly string[]): string[] {
  const [file, ...args] = argv;
  if (file === undefined) throw new TypeError('empty argv');
  return [SYSTEM_TOOLS.has(file) ? resolveTool(file) : file, ...args];
}

/**
 * Variables that make libraries print what they do. ioredis logs every
 * command it sends through the `debug` package when DEBUG matches
 * "ioredis:*", AUTH and its password included. Removed from our own
 * environment at start-up, before any library is loaded.
 */
export const DEBUG_VARIABLES = ['DEBUG', 'NODE_DEBUG', 'NODE_DEBUG_NATIVE'] as const;

export function scrubEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of DEBUG_VARIABLES) delete env[name];
}
