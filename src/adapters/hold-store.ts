/**
 * The maintenance holds of this host: `<runDir>/holds/<master>.json`, one
 * file per held master (src/core/hold.ts), written and read through safe-fs
 * like every file in the run dir. In the run dir, so a hold survives a
 * watcher restart but not a reboot (the run dir is on /run).
 */
import { join } from 'node:path';
import { holdText, parseHold, type Hold } from '../core/hold';
import { safeRunDir } from './announce';
import { ensureSafeDir, readSmallFile, removeFile, replaceFile } from './safe-fs';

/** Master names are config keys (letters, digits, `._-`): safe as file names. */
export function holdFile(runDir: string, master: string): string {
  return join(runDir, 'holds', `${master}.json`);
}

export function writeHold(runDir: string, h: Hold): string {
  const dir = ensureSafeDir(join(safeRunDir(runDir), 'holds'), 0o755);
  const file = join(dir, `${h.master}.json`);
  replaceFile(file, holdText(h), 0o644);
  return file;
}

/** The hold on `master`, or null (none, unreadable, not a hold, or not safe to trust: a file another user could have planted holds nothing). */
export function readHold(runDir: string, master: string): Hold | null {
  try {
    const text = readSmallFile(holdFile(runDir, master));
    return text === null ? null : parseHold(text, master);
  } catch {
    return null; // UnsafePathError (planted, not ours) or unreadable: no hold, vipctl acts as without it
  }
}

/** Remove the hold; true when there was one. */
export function removeHold(runDir: string, master: string): boolean {
  const file = holdFile(runDir, master);
  if (readSmallFile(file) === null) return false;
  removeFile(file);
  return true;
}
