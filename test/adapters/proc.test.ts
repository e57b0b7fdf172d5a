import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cmdline, running } from '../../src/adapters/proc';

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
});
