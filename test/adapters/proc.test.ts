import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cmdline, processState, running, startTime } from '../../src/adapters/proc';

describe('/proc', () => {
  it('reads a live process argv and sees it running, then gone once reaped', async () => {
    const argv = [process.execPath, '-e', 'setTimeout(() => {}, 30000)', 'marker-arg'];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    expect(cmdline(child.pid!)).toEqual(argv);
    expect(running(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 20)); // let node reap it
    expect(running(child.pid!)).toBe(false);
    expect(cmdline(child.pid!)).toBeNull();
  });

  it('treats an unknown pid as gone', () => {
    expect(running(2 ** 22 + 1)).toBe(false);
    expect(cmdline(2 ** 22 + 1)).toBeNull();
  });

  it('start time (field 22) names one process: stable while it runs, later for a later process, null when gone', async () => {
    // a comm with spaces and parentheses must not shift the fields
    const odd = join(mkdtempSync(join(tmpdir(), 'vipctl-proc-')), 'x) (y z');
    copyFileSync('/bin/sleep', odd);
    chmodSync(odd, 0o755);
    const a = spawn(odd, ['30'], { stdio: 'ignore' });
    await new Promise((r) => a.once('spawn', r));
    await new Promise((r) => setTimeout(r, 30));
    const t = startTime(a.pid!);
    expect(t).toMatch(/^\d+$/);
    expect(startTime(a.pid!)).toBe(t);
    expect(Number(startTime(process.pid))).toBeLessThanOrEqual(Number(t));
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    await new Promise((r) => setTimeout(r, 20));
    expect(startTime(a.pid!)).toBeNull();
  });
});

describe('processState', () => {
  it('reports a stopped process as T, a running one otherwise, and null once gone', async () => {
    // A command name with ") " in it must not confuse the parser.
    const child = spawn(process.execPath, ['-e', 'process.title = "a) b"; setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    await new Promise((r) => setTimeout(r, 100));
    expect(['R', 'S']).toContain(processState(child.pid!));
    process.kill(child.pid!, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 50));
    expect(processState(child.pid!)).toBe('T');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 20));
    expect(processState(child.pid!)).toBeNull();
  });
});
