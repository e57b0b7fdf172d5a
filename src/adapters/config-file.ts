/**
 * Find, read and parse the config file: --config, else $VIPCTL_CONFIG, else
 * the default path. The file is checked before it is believed (owner, mode,
 * size: see core/config-file-policy), read without blocking on a FIFO, and
 * every way the YAML can fail (syntax, duplicate keys, an alias bomb) is a
 * CONFIG error (exit 2): retrying cannot fix a bad file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_CONFIG_PATH, validateConfig, type Config } from '../core/config';
import { ancestorRefusal, configFileRefusal, configFileWarnings as warningsFor, holdsPassword, MAX_CONFIG_BYTES, passwordRefusal, type PathEntry } from '../core/config-file-policy';
import { isTransientErrno, VipctlError } from '../core/errors';

/** Aliases a config may use at most (yaml's own guard against "billion laughs"). */
const MAX_ALIASES = 50;

export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.VIPCTL_CONFIG || DEFAULT_CONFIG_PATH;
}

function fail(path: string, message: string): never {
  throw new VipctlError('CONFIG', message, { key: 'config', path });
}

/**
 * lstat of every directory on the way to `path` (as given, and as its
 * realpath), and of every symlink met (the file's own name included), from /
 * down. Entries that cannot be read are left out (the open decides).
 */
function pathEntries(path: string): PathEntry[] {
  const out: PathEntry[] = [];
  const seen = new Set<string>();
  const walk = (p: string, includeLast: boolean): void => {
    const parts = resolve(p).split(sep).filter(Boolean);
    let at = '';
    for (let i = 0; i < parts.length; i++) {
      const isLast = i === parts.length - 1;
      const parent = at || '/';
      if (!seen.has(parent)) {
        seen.add(parent);
        try {
          const st = lstatSync(parent);
          out.push({ path: parent, uid: st.uid, mode: st.mode, symlink: false });
        } catch {
          /* unreadable */
        }
      }
      at = `${at}/${parts[i]}`;
      if (isLast && !includeLast) break;
      try {
        const st = lstatSync(at);
        if (st.isSymbolicLink() && !seen.has(at)) {
          seen.add(at);
          out.push({ path: at, uid: st.uid, mode: st.mode, symlink: true });
        }
      } catch {
        /* unreadable */
      }
    }
  };
  walk(path, true);
  try {
    walk(realpathSync(path), false);
  } catch {
    /* the open decides */
  }
  return out;
}

/** The file's text, once its owner, mode and size are acceptable; warnings alongside. */
function readChecked(path: string): { text: string; facts: { isFile: boolean; uid: number; mode: number; size: number } } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // out of fds, memory, an I/O error: a retry may read it (exit 1); a missing or forbidden file is the config's problem (exit 2)
    if (isTransientErrno(code)) throw new VipctlError('IO', `cannot read config ${path}: ${code}`, { key: 'config', path });
    fail(path, `cannot read config ${path}: ${code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    const facts = { isFile: st.isFile(), uid: st.uid, mode: st.mode, size: st.size };
    let dir: { uid: number; mode: number } | null = null;
    try {
      const d = statSync(dirname(realpathSync(path)));
      dir = { uid: d.uid, mode: d.mode };
    } catch {
      dir = null; // the file itself was opened; its directory is best effort
    }
    const euid = process.geteuid?.() ?? 0;
    const refusal = configFileRefusal(path, facts, dir, euid) ?? ancestorRefusal(path, pathEntries(path), euid);
    if (refusal) fail(path, `refusing config: ${refusal}`);
    // Never more than the cap, even if the file grows between fstat and read.
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES) + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_CONFIG_BYTES) fail(path, `refusing config: ${path} is more than ${MAX_CONFIG_BYTES} bytes`);
    return { text: buf.subarray(0, n).toString('utf8'), facts };
  } finally {
    closeSync(fd);
  }
}

function parse(path: string, text: string): unknown {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    fail(path, `${path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => e.message.split('\n')[0]!);
    throw new VipctlError('CONFIG', `${path}: not valid YAML: ${problems.join('; ')}`, { key: 'config', problems });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    fail(path, `${path}: not usable YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

export interface LoadedConfig {
  config: Config;
  path: string;
  /** Things to fix that do not stop vipctl (log them as event "config-warning"). */
  warnings: string[];
}

export function loadConfigFile(explicit?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = configPath(explicit, env);
  const { text, facts } = readChecked(path);
  const doc = parse(path, text);
  const secret = passwordRefusal(path, facts, holdsPassword(doc));
  if (secret) fail(path, `refusing config: ${secret}`);
  const config = validateConfig(doc, env, path);
  return { config, path, warnings: warningsFor(path, facts, holdsPassword(doc)) };
}

export function loadConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfigFile(explicit, env).config;
}

/**
 * The config file's warnings (e.g. a password in a file every user can read),
 * for `doctor`. Throws the same CONFIG error as loadConfig when the file is
 * unusable.
 */
export function configFileWarnings(explicit?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return loadConfigFile(explicit, env).warnings;
}
