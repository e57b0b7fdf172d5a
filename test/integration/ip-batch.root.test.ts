/**
 * IpBatch (one `ip -o -force -batch -` child) in a scratch namespace: adds and
 * deletes as the spawned ip would (exit 0; an address already there or
 * missing fails with ip's own message, which the plans' okIf matches); a
 * command that outlives its timeout kills the child and the next starts a new
 * one; arguments batch parsing would split are refused before anything runs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IpBatch } from '../../src/adapters/netlink/ip-batch';
import { run } from '../../src/adapters/run';
import { running } from '../../src/adapters/proc';
import { describeLab } from './support';
import { scratchNetns, type Scratch } from './netns-scratch';

describeLab('ip batch (root)', () => {
  let s: Scratch;
  let batch: IpBatch;
  /** What a spawned ip prints on stderr for the same command (the plans' okIf match these words). */
  const spawned = async (argv: string[]): Promise<string> => (await run(['ip', '-n', s.ns, ...argv.slice(1)])).stderr;
  const has = async (a: string): Promise<boolean> => (await run(['ip', '-n', s.ns, '-o', 'addr', 'show', 'dev', 'd0'])).stdout.includes(` ${a} `);
  beforeAll(async () => {
    s = await scratchNetns('ipb');
    batch = new IpBatch({ netns: s.ns });
  });
  afterAll(async () => {
    await batch?.close();
    await s?.remove();
  });

  it('adds and deletes in one child; already there / already gone fail with the words a spawned ip says', async () => {
    const add = await batch.run(['ip', 'addr', 'add', '198.18.9.100/24', 'dev', 'd0']);
    expect(add, add.stderr).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await has('198.18.9.100/24')).toBe(true);
    const pid = batch.pid;
    const again = await batch.run(['ip', 'addr', 'add', '198.18.9.100/24', 'dev', 'd0']);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toBe(await spawned(['ip', 'addr', 'add', '198.18.9.100/24', 'dev', 'd0']));
    expect(again.stderr).toMatch(/already assigned|File exists/);
    const add6 = await batch.run(['ip', '-6', 'addr', 'add', 'fd00:9::100/64', 'dev', 'd0', 'nodad', 'preferred_lft', '0']);
    expect(add6, add6.stderr).toMatchObject({ exitCode: 0 });
    expect((await run(['ip', '-n', s.ns, '-6', '-o', 'addr', 'show', 'dev', 'd0'])).stdout).toMatch(/fd00:9::100\/64 .*deprecated/);
    const del = await batch.run(['ip', 'addr', 'del', '198.18.9.100/24', 'dev', 'd0']);
    expect(del).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await has('198.18.9.100/24')).toBe(false);
    const gone = await batch.run(['ip', 'addr', 'del', '198.18.9.100/24', 'dev', 'd0']);
    expect(gone.exitCode).not.toBe(0);
    expect(gone.stderr).toBe(await spawned(['ip', 'addr', 'del', '198.18.9.100/24', 'dev', 'd0']));
    expect(gone.stderr).toMatch(/not found|Cannot assign/);
    const nodev = await batch.run(['ip', 'addr', 'add', '198.18.9.101/24', 'dev', 'nosuch0']);
    expect(nodev.exitCode).not.toBe(0);
    expect(nodev.stderr).toBe(await spawned(['ip', 'addr', 'add', '198.18.9.101/24', 'dev', 'nosuch0']));
    expect(batch.pid).toBe(pid); // one child for all of them
    expect(batch.stats.starts).toBe(1);
  });

  it('commands queued at once each get their own outcome, in order', async () => {
    const rs = await Promise.all([10, 11, 11, 12].map((i) => batch.run(['ip', 'addr', 'add', `198.18.9.${i}/32`, 'dev', 'd0'])));
    expect(rs.map((r) => r.exitCode === 0)).toEqual([true, true, false, true]);
    expect(rs[2]!.stderr).toMatch(/already assigned|File exists/);
    expect(rs.map((r) => r.stderr === '')).toEqual([true, true, false, true]);
    for (const i of [10, 11, 12]) expect(await has(`198.18.9.${i}/32`)).toBe(true);
  });

  it('a command that outlives its timeout kills the child; the next command starts a new one and works', async () => {
    const pid = batch.pid!;
    process.kill(pid, 'SIGSTOP'); // an ip that hangs
    const r = await batch.run(['ip', 'addr', 'add', '198.18.9.200/24', 'dev', 'd0'], { timeoutMs: 300 });
    expect(r).toMatchObject({ exitCode: null, timedOut: true, failedToStart: 'timed out after 300 ms' });
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    const next = await batch.run(['ip', 'addr', 'add', '198.18.9.201/24', 'dev', 'd0']);
    expect(next, next.stderr).toMatchObject({ exitCode: 0 });
    expect(batch.pid).not.toBe(pid);
    expect(running(pid)).toBe(false);
    expect(await has('198.18.9.201/24')).toBe(true);
    expect(batch.stats).toMatchObject({ starts: 2, timeouts: 1 });
  });

  it('refuses arguments with whitespace, quotes, # or \\ and other commands, before anything runs', async () => {
    const commands = batch.stats.commands;
    for (const dev of ['d0 label x', 'd0\naddr del 198.18.9.201/24 dev d0', 'd0#', '"d0"', "d0'", 'd0\\']) {
      await expect(batch.run(['ip', 'addr', 'add', '198.18.9.202/24', 'dev', dev])).rejects.toThrow(/ip batch: argument/);
    }
    await expect(batch.run(['ip', 'link', 'set', 'd0', 'down'])).rejects.toThrow(/not ip addr add\/del/);
    expect(batch.stats.commands).toBe(commands);
    expect(await has('198.18.9.201/24')).toBe(true);
    expect(await has('198.18.9.202/24')).toBe(false);
  });
});
