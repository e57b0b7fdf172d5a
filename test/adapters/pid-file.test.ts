import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { removeWatchPid, watchPidFile, writeWatchPid } from '../../src/adapters/pid-file';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes <runDir>/watch.pid (creating runDir) and removes it only while it names us', () => {
  dir = mkdtempSync(join(tmpdir(), 'vipctl-pid-'));
  const runDir = join(dir, 'run');
  expect(writeWatchPid(runDir, 4242)).toEqual({ file: join(runDir, 'watch.pid') });
  expect(readFileSync(watchPidFile(runDir), 'utf8')).toBe('4242\n');
  removeWatchPid(runDir, 1111); // another watcher's file: left alone
  expect(existsSync(watchPidFile(runDir))).toBe(true);
  removeWatchPid(runDir, 4242);
  expect(existsSync(watchPidFile(runDir))).toBe(false);
  removeWatchPid(runDir, 4242); // already gone: fine
  writeFileSync(watchPidFile(runDir), 'garbage');
  removeWatchPid(runDir, 4242);
  expect(existsSync(watchPidFile(runDir))).toBe(true);
});

it('a pid file that cannot be written is reported, not thrown (the watcher runs without it)', () => {
  dir = mkdtempSync(join(tmpdir(), 'vipctl-pid-'));
  const runDir = join(dir, 'run');
  writeWatchPid(runDir, 4242);
  // root ignores modes, so the failure is made another way: a non-empty directory in its place (rename(2) over it fails)
  rmSync(watchPidFile(runDir));
  mkdirSync(watchPidFile(runDir));
  writeFileSync(join(watchPidFile(runDir), 'x'), '');
  const r = writeWatchPid(runDir, 4243);
  expect(r.error).toMatch(/watch\.pid/);
  expect(() => removeWatchPid(runDir, 4243)).not.toThrow();
});
