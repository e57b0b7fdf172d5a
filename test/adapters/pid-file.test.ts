import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { removeWatchPid, watchPidFile, writeWatchPid } from '../../src/adapters/pid-file';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes <runDir>/watch.pid (creating runDir) and removes it only while it names us', () => {
  dir = mkdtempSync(join(tmpdir(), 'vipctl-pid-'));
  const runDir = join(dir, 'run');
  expect(writeWatchPid(runDir, 4242)).toBe(join(runDir, 'watch.pid'));
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
