import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, procEnv, vipctlBin, writableError } from '../../src/adapters/host';
import { watchPid } from '../../src/adapters/watch-pid';

const dir = mkdtempSync(join(tmpdir(), 'vipctl-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host facts', () => {
  it('procEnv reads one variable of a process, null when unset', () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { env: { PATH: '/opt/p:/usr/bin', MARK: 'y' }, stdio: 'ignore' });
    try {
      expect(procEnv(child.pid!, 'PATH')).toBe('/opt/p:/usr/bin');
      expect(procEnv(child.pid!, 'NOPE')).toBeNull();
      expect(procEnv(2 ** 22 + 1, 'PATH')).toBe('unreadable');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('findOnPath finds executables only, in PATH order', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const d of [a, b]) rmSync(d, { recursive: true, force: true });
    for (const d of [a, b]) mkdirSync(d);
    writeFileSync(join(a, 'tool'), '');
    chmodSync(join(a, 'tool'), 0o644); // not executable: skipped
    writeFileSync(join(b, 'tool'), '#!/bin/true\n');
    chmodSync(join(b, 'tool'), 0o755);
    expect(findOnPath('tool', `${a}:${b}`)).toBe(join(b, 'tool'));
    expect(findOnPath('tool', a)).toBeNull();
    expect(findOnPath('nothing-here', `${a}::${b}`)).toBeNull();
  });

  it('writableError judges a missing path by its nearest existing parent', () => {
    expect(writableError(join(dir, 'new', 'deeper', 'vipctl.log'))).toBeNull();
    expect(writableError(dir)).toBeNull();
  });

  it('vipctlBin is this checkout\'s bin/vipctl', () => {
    expect(vipctlBin()).toMatch(/\/bin\/vipctl$/);
  });

  it('watchPid: only a live process whose command line is vipctl watch', () => {
    const runDir = join(dir, 'run');
    mkdirSync(runDir, { recursive: true });
    expect(watchPid(runDir)).toBeNull(); // no pid file
    const watcher = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)', '/opt/vipctl/bin/vipctl', 'watch'], { stdio: 'ignore' });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)', '/opt/vipctl/bin/vipctl', 'status'], { stdio: 'ignore' });
    try {
      writeFileSync(join(runDir, 'watch.pid'), `${watcher.pid}\n`);
      expect(watchPid(runDir)).toBe(watcher.pid);
      writeFileSync(join(runDir, 'watch.pid'), `${other.pid}\n`);
      expect(watchPid(runDir)).toBeNull();
      writeFileSync(join(runDir, 'watch.pid'), 'garbage\n');
      expect(watchPid(runDir)).toBeNull();
    } finally {
      watcher.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });
});
