import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cmdline, processState, running } from '../../src/adapters/proc';

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
