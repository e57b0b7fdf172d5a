/**
 * flock(2) for the per-VIP lock (lock.ts), from fs-ext's native addon.
 *
 * - From the git/npm tree (bin/vipctl, dist/): the fs-ext package, compiled by
 *   node-gyp at `npm ci`.
 * - From the single executable (`npm run package`, /usr/bin/vipctl): its
 *   require() loads only Node's builtins, so the package ships the addon
 *   prebuilt and it is loaded with process.dlopen from a fixed path:
 *   /usr/lib/vipctl/fs_ext.node for /usr/bin/vipctl, else fs_ext.node beside
 *   the executable (dist/pkg/). No compiler on the host.
 * An addon runs as vipctl's user: it is loaded only when it is a regular file
 * in a directory that no one but root (or the executable's owner) can write.
 */
import { lstatSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inSea } from './sea';

interface FsExtBinding {
  flock(fd: number, operation: number): void;
  constants: { LOCK_EX: number; LOCK_NB: number };
}

/** Where the .deb installs the addon. */
export const PACKAGED_ADDON = '/usr/lib/vipctl/fs_ext.node';

/** The addon the single executable at `execPath` loads. */
export function addonPathFor(execPath: string): string {
  return dirname(execPath) === '/usr/bin' ? PACKAGED_ADDON : join(dirname(execPath), 'fs_ext.node');
}

function writableByOthers(st: Stats, owners: readonly number[]): string | null {
  if (!owners.includes(st.uid)) return `owned by uid ${st.uid}`;
  if (st.mode & 0o022) return `writable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`;
  return null;
}

/** Why `path` is not an addon to load (null: it is), trusting root and `ownerUid`. */
export function addonProblem(path: string, ownerUid: number): string | null {
  const owners = [0, ownerUid];
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    return `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  if (!st.isFile()) return 'not a regular file';
  const file = writableByOthers(st, owners);
  if (file) return file;
  const dir = writableByOthers(statSync(dirname(path)), owners);
  return dir ? `its directory is ${dir}` : null;
}

/** Load fs-ext's addon from `path` with process.dlopen, after the checks above. */
export function loadAddon(path: string, ownerUid = 0): FsExtBinding {
  const problem = addonProblem(path, ownerUid);
  if (problem) throw new Error(`the lock's native part ${path}: ${problem} (reinstall the vipctl package)`);
  const module = { exports: {} as FsExtBinding };
  process.dlopen(module, path);
  return module.exports;
}

let flockNb: ((fd: number) => void) | undefined;

function load(): (fd: number) => void {
  if (inSea()) {
    const binding = loadAddon(addonPathFor(process.execPath), statSync(process.execPath).uid);
    const op = binding.constants.LOCK_EX | binding.constants.LOCK_NB;
    return (fd) => binding.flock(fd, op);
  }
  const { flockSync } = createRequire(import.meta.url)('fs-ext') as typeof import('fs-ext');
  return (fd) => flockSync(fd, 'exnb');
}

/** flock(fd, LOCK_EX | LOCK_NB): throws EAGAIN/EWOULDBLOCK when another open file holds it. */
export function flockExclusiveNb(fd: number): void {
  flockNb ??= load();
  flockNb(fd);
}
