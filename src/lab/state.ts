/**
 * The lab's state file, `<baseDir>/<id>/state.json`: what `up` created, so
 * that `down` can remove it after a crash. `lab down` runs as root and kills
 * processes and deletes namespaces and files, so it believes only state it
 * can prove is its own:
 *
 * - the id is checked before anything touches the disk;
 * - the base dir, the lab dir and the state file are real (no symlinks),
 *   owned by us and not writable by group or others;
 * - the file must describe exactly this lab (its id, its directory);
 * - namespaces are never taken from the file: only those named for the id
 *   (allNamespaces(topology(id)));
 * - a pid is recorded with its start time (/proc/PID/stat field 22) and is
 *   killed only while that still matches (never a reused pid).
 */
import { readdirSync, lstatSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { VipctlError } from '../core/errors';
import { directoryProblem, ensureSafeDir, readSmallFile, replaceFile, UnsafePathError } from '../adapters/safe-fs';
import { LAB_MODES, type LabMode } from './topology';
import { MAX_LAB_MASTERS } from './masters';

/** The processes the lab starts on each node. */
export const LAB_PROCESSES = ['redis', 'sentinel', 'watch', 'keepalived'] as const;
export type LabProcess = (typeof LAB_PROCESSES)[number];

export interface LabPid {
  host: string;
  what: LabProcess;
  pid: number;
  /** /proc/PID/stat field 22 at spawn; null when it could not be read. */
  startTime: string | null;
  /** Which master's redis-server (`lab up --masters N`), 0-based; absent for the first and for other processes. */
  index?: number;
}

export interface LabState {
  id: string;
  dir: string;
  mode: LabMode;
  /** `lab up --tls` (absent in older state files: false). */
  tls?: boolean;
  /** `lab up --ipv6`: the lab's addresses are IPv6 (src/lab/ipv6.ts). Absent in older state files: false. */
  ipv6?: boolean;
  /** `lab up --masters N` (1 when absent: state files from before the option). */
  masters?: number;
  /** `lab up --hostnames` (src/lab/hostnames.ts); absent: false. */
  hostnames?: boolean;
  /** `lab up --hostnames` created /etc/netns itself (down removes it when empty). */
  madeNetnsEtc?: boolean;
  /** `lab up --hostnames`: the /etc/netns/<ns> directories it made, each recorded before anything is written into it; `lab down` removes exactly these. */
  netnsEtc?: string[];
  createdAt: string;
  namespaces: string[];
  pids: LabPid[];
}

const LAB_ID = /^[a-z0-9]{1,12}$/;

/** The id, checked: 1-12 lowercase letters or digits (it names namespaces and a directory). */
export function checkLabId(id: string): string {
  if (!LAB_ID.test(id)) throw new VipctlError('USAGE', `lab id must be 1-12 lowercase letters/digits, got ${JSON.stringify(id).slice(0, 40)}`, { key: 'id' });
  return id;
}

function checkBaseDir(baseDir: string): string {
  if (!isAbsolute(baseDir)) throw new VipctlError('USAGE', `lab --dir must be an absolute path, got ${JSON.stringify(baseDir)}`, { key: 'dir' });
  return baseDir;
}

function unsafe(e: unknown): never {
  if (e instanceof UnsafePathError) throw new VipctlError('UNSAFE', `lab: refusing ${e.message}`, { path: e.path });
  throw e;
}

export function labDirOf(baseDir: string, id: string): string {
  return join(checkBaseDir(baseDir), checkLabId(id));
}

/** Make `<baseDir>/<id>` (exclusive: two labs never share a name), after checking id and base dir. */
export function createLabDir(baseDir: string, id: string): string {
  const dir = labDirOf(baseDir, id);
  try {
    ensureSafeDir(baseDir, 0o755);
  } catch (e) {
    unsafe(e);
  }
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new VipctlError('LAB', `lab "${id}" already exists (${dir}); remove it with: vipctl lab down --id ${id}`);
    throw new VipctlError('LAB', `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code}`);
  }
  return dir;
}

/** A directory that is ours: real, owned by us (or root), not writable by group/others. */
function checkOwnDir(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    throw new VipctlError('LAB', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code}`);
  }
  const problem = directoryProblem(path, st);
  if (problem) unsafe(problem);
}

export function stateFile(dir: string): string {
  return join(dir, 'state.json');
}

/** Does `<baseDir>/<id>` have a state file? (No trust implied: readLabState checks.) */
export function hasLabState(baseDir: string, id: string): boolean {
  return LAB_ID.test(id) && listLabIds(baseDir).includes(id);
}

/** Ids of the labs in baseDir: valid ids whose directory has a state.json. */
export function listLabIds(baseDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(checkBaseDir(baseDir));
  } catch (e) {
    if (e instanceof VipctlError) throw e;
    return [];
  }
  return names.filter((id) => {
    if (!LAB_ID.test(id)) return false;
    try {
      return lstatSync(stateFile(join(baseDir, id))).isFile();
    } catch {
      return false;
    }
  });
}

/** The state of lab `id`, once every check above has passed; else a one-line VipctlError. */
export function readLabState(baseDir: string, id: string): LabState {
  const dir = labDirOf(baseDir, id);
  checkOwnDir(baseDir);
  checkOwnDir(dir);
  let text: string | null;
  try {
    text = readSmallFile(stateFile(dir), 1024 * 1024);
  } catch (e) {
    unsafe(e);
  }
  if (text === null) throw new VipctlError('LAB', `no lab "${id}" in ${baseDir}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new VipctlError('UNSAFE', `lab: ${stateFile(dir)} is not valid JSON; remove the lab by hand`);
  }
  return parseLabState(raw, id, dir);
}

/** Check the file's content describes exactly this lab. Pure. */
export function parseLabState(raw: unknown, id: string, dir: string): LabState {
  const bad = (why: string): never => {
    throw new VipctlError('UNSAFE', `lab: ${stateFile(dir)} ${why}; refusing to act on it`);
  };
  const s = raw as Partial<LabState> | null;
  if (typeof s !== 'object' || s === null) bad('is not an object');
  if (s!.id !== id) bad(`is for lab ${JSON.stringify(s!.id)}, not "${id}"`);
  if (s!.dir !== dir) bad(`names directory ${JSON.stringify(s!.dir)}, not ${dir}`);
  if (!LAB_MODES.includes(s!.mode as LabMode)) bad(`has an unknown mode ${JSON.stringify(s!.mode)}`);
  if (s!.tls !== undefined && typeof s!.tls !== 'boolean') bad(`has a bad tls flag ${JSON.stringify(s!.tls).slice(0, 40)}`);
  if (!Array.isArray(s!.pids)) bad('has no pid list');
  if (s!.ipv6 !== undefined && typeof s!.ipv6 !== 'boolean') bad(`has a bad ipv6 flag ${JSON.stringify(s!.ipv6).slice(0, 40)}`);
  for (const k of ['hostnames', 'madeNetnsEtc'] as const) if (s![k] !== undefined && typeof s![k] !== 'boolean') bad(`has a bad ${k} flag ${JSON.stringify(s![k]).slice(0, 40)}`);
  const pids = s!.pids!.map((p) => {
    const ok =
      typeof p === 'object' && p !== null && typeof p.host === 'string' && LAB_PROCESSES.includes(p.what) && Number.isInteger(p.pid) && p.pid > 1 && (p.startTime === null || p.startTime === undefined || /^\d+$/.test(p.startTime)) &&
      (p.index === undefined || (Number.isInteger(p.index) && p.index >= 0 && p.index < MAX_LAB_MASTERS));
    if (!ok) bad(`has a bad pid entry ${JSON.stringify(p).slice(0, 80)}`);
    return { host: p.host, what: p.what, pid: p.pid, startTime: p.startTime ?? null, ...(p.index ? { index: p.index } : {}) };
  });
  if (s!.netnsEtc !== undefined && (!Array.isArray(s!.netnsEtc) || !s!.netnsEtc.every((d) => typeof d === 'string' && /^\/etc\/netns\/[a-z0-9-]{1,40}$/.test(d)))) bad(`has a bad netnsEtc list ${JSON.stringify(s!.netnsEtc).slice(0, 80)}`);
  const masters = s!.masters ?? 1;
  if (!Number.isInteger(masters) || masters < 1 || masters > MAX_LAB_MASTERS) bad(`has a bad master count ${JSON.stringify(s!.masters)}`);
  return { id, dir, mode: s!.mode as LabMode, ...(s!.tls === true ? { tls: true } : {}), ...(s!.ipv6 ? { ipv6: true } : {}), masters, ...(s!.hostnames ? { hostnames: true } : {}), ...(s!.madeNetnsEtc ? { madeNetnsEtc: true } : {}), ...(s!.netnsEtc ? { netnsEtc: [...s!.netnsEtc] } : {}), createdAt: String(s!.createdAt ?? ''), namespaces: Array.isArray(s!.namespaces) ? s!.namespaces.filter((n) => typeof n === 'string') : [], pids };
}

export function writeLabState(state: LabState): void {
  try {
    replaceFile(stateFile(state.dir), `${JSON.stringify(state, null, 2)}\n`, 0o600);
  } catch (e) {
    unsafe(e);
  }
}
