import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announcerPidFile, isAnnouncerOf, NDP_REPEATER, NDP_SEA_ARG, ndpRepeaterArgv, startAnnouncer, stopAnnouncer } from '../../src/adapters/announce';
import { running } from '../../src/adapters/proc';

const VIP = '198.18.9.100';


describe('announcer pid file', () => {
  it('stopping with no announcer is a no-op', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    expect(stopAnnouncer(dir, VIP)).toBeNull();
  });

  it('never kills a process that is not our arping for this VIP (pid reuse)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(announcerPidFile(dir, VIP), `${other.pid}\n`);
      expect(stopAnnouncer(dir, VIP)).toBeNull();
      expect(running(other.pid!)).toBe(true);
      expect(existsSync(announcerPidFile(dir, VIP))).toBe(false); // stale file gone
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('reports an arping that cannot start instead of losing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    await expect(startAnnouncer(['/nonexistent/arping', '-U', VIP], dir, VIP)).rejects.toMatchObject({ code: 'EXEC', exitCode: 1 });
    // an arping that exits with an error inside the grace period: its stderr is the reason
    await expect(startAnnouncer(['sh', '-c', 'echo "arping: Device nosuch not available." >&2; exit 2', VIP], dir, VIP, 500)).rejects.toThrow(/exit 2: arping: Device nosuch not available\./);
    expect(existsSync(announcerPidFile(dir, VIP))).toBe(false);
  });

  it('records the pid of a started announcer (stopping real arping is covered by the lab tests)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    // a stand-in that lives like arping -c N would: same argv shape, last argument the VIP
    const a = await startAnnouncer([process.execPath, '-e', 'setTimeout(() => {}, 30000)', VIP], dir, VIP);
    expect(running(a.pid)).toBe(true);
    expect(readFileSync(announcerPidFile(dir, VIP), 'utf8')).toBe(`${a.pid}\n`);
    // our stand-in is node, not arping: stop refuses to kill it...
    expect(stopAnnouncer(dir, VIP)).toBeNull();
    expect(running(a.pid)).toBe(true);
    process.kill(a.pid, 'SIGKILL');
  });
});

describe('announcer pid files cannot be turned against root', () => {
  const standIn = (): string[] => [process.execPath, '-e', 'setTimeout(() => {}, 30000)', VIP];

  it('a symlink planted as the pid file is replaced, its target untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n', { mode: 0o600 });
    symlinkSync(victim, announcerPidFile(dir, VIP));
    const a = await startAnnouncer(standIn(), dir, VIP);
    try {
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(lstatSync(announcerPidFile(dir, VIP)).isFile()).toBe(true);
      expect(lstatSync(announcerPidFile(dir, VIP)).mode & 0o777).toBe(0o600);
      expect(readFileSync(announcerPidFile(dir, VIP), 'utf8')).toBe(`${a.pid}\n`);
    } finally {
      process.kill(a.pid, 'SIGKILL');
    }
  });

  it('a FIFO as the pid file does not block the stop (it is removed and ignored)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    execFileSync('mkfifo', [announcerPidFile(dir, VIP)]);
    const started = performance.now();
    expect(stopAnnouncer(dir, VIP)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(existsSync(announcerPidFile(dir, VIP))).toBe(false);
  });

  it('a symlink as the pid file is not read through (its target could name any pid)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const target = join(dir, 'elsewhere');
      writeFileSync(target, `${other.pid}\n`);
      symlinkSync(target, announcerPidFile(dir, VIP));
      expect(stopAnnouncer(dir, VIP)).toBeNull();
      expect(existsSync(announcerPidFile(dir, VIP))).toBe(false);
      expect(readFileSync(target, 'utf8')).toBe(`${other.pid}\n`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a run dir others can write is refused before anything is written (exit 2, key runDir)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    chmodSync(dir, 0o777);
    await expect(startAnnouncer(standIn(), dir, VIP)).rejects.toMatchObject({ code: 'CONFIG', exitCode: 2, details: { key: 'runDir' }, message: expect.stringContaining('has mode 0777') });
    expect(() => stopAnnouncer(dir, VIP)).toThrow(/others must not write to it.*chmod o-rwx/);
  });

  it('a missing run dir is created 0700', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vipctl-ann-')), 'run', 'vipctl');
    expect(stopAnnouncer(dir, VIP)).toBeNull();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

describe('the announcer of an IPv6 VIP (node running dist/ndp-announce.cjs)', () => {
  const VIP6 = 'fd00::100';

  it.each<[string, string[] | null, boolean]>([
    ['arping for this VIP', ['/usr/bin/arping', '-U', '-c', '5', '-I', 'eth0', '-s', VIP6, VIP6], true],
    ['the repeater for this VIP', ['/usr/bin/node', '/opt/vipctl/dist/ndp-announce.cjs', '4', '1', 'eth0', VIP6], true],
    ['the repeater for another VIP', ['/usr/bin/node', '/opt/vipctl/dist/ndp-announce.cjs', '4', '1', 'eth0', 'fd00::101'], false],
    ['the packaged executable running the repeater for this VIP', ['/usr/bin/vipctl', NDP_SEA_ARG, '4', '1', 'eth0', VIP6], true],
    ['the packaged executable running the repeater for another VIP', ['/usr/bin/vipctl', NDP_SEA_ARG, '4', '1', 'eth0', 'fd00::101'], false],
    ['the packaged executable running a command with the VIP last', ['/usr/bin/vipctl', 'bind', VIP6], false],
    ['node running something else with the VIP last', ['/usr/bin/node', '/tmp/evil.cjs', VIP6], false],
    ['a file merely ending like the repeater', ['/usr/bin/node', '/tmp/not-ndp-announce.cjs', VIP6], false],
    ['sleep', ['sleep', '30'], false],
    ['gone', null, false],
  ])('%s: %s', (_n, argv, want) => {
    expect(isAnnouncerOf(argv, VIP6)).toBe(want);
  });

  it('the repeater started for a VIP is stopped by stopAnnouncer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    const script = join(dir, NDP_REPEATER);
    writeFileSync(script, 'setTimeout(() => {}, 30000);\n');
    const a = await startAnnouncer([process.execPath, script, '4', '1', 'eth0', VIP6], dir, VIP6);
    expect(running(a.pid)).toBe(true);
    expect(stopAnnouncer(dir, VIP6)).toBe(a.pid);
    for (let i = 0; i < 100 && running(a.pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(running(a.pid)).toBe(false);
  });

  it('a pid file that cannot be written does not stop the announcement; this process still stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    const script = join(dir, NDP_REPEATER);
    writeFileSync(script, 'setTimeout(() => {}, 30000);\n');
    // a non-empty directory where the pid file goes: rename(2) over it fails, as on a full or read-only run dir
    mkdirSync(join(announcerPidFile(dir, VIP6), 'x'), { recursive: true });
    const a = await startAnnouncer([process.execPath, script, '4', '1', 'eth0', VIP6], dir, VIP6);
    expect(a.pidFileError).toMatch(/pid file not written/);
    expect(running(a.pid)).toBe(true);
    expect(stopAnnouncer(dir, VIP6)).toBe(a.pid);
    for (let i = 0; i < 100 && running(a.pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(running(a.pid)).toBe(false);
  });

  it('ndpRepeaterArgv: node, the repeater file, COUNT INTERVAL IFNAME VIP', () => {
    const argv = ndpRepeaterArgv({ count: 4, intervalSeconds: 1, ifname: 'eth0', vip: VIP6 });
    expect(argv[0]).toBe(process.execPath);
    expect(argv[1]!.endsWith(`/${NDP_REPEATER}`)).toBe(true);
    expect(argv.slice(2)).toEqual(['4', '1', 'eth0', VIP6]);
    expect(isAnnouncerOf(argv, VIP6)).toBe(true);
  });

  it('ndpRepeaterArgv from the single executable: itself with the hidden first argument, COUNT INTERVAL IFNAME VIP', () => {
    const argv = ndpRepeaterArgv({ count: 4, intervalSeconds: 1, ifname: 'eth0', vip: VIP6 }, true);
    expect(argv).toEqual([process.execPath, NDP_SEA_ARG, '4', '1', 'eth0', VIP6]);
    expect(isAnnouncerOf(argv, VIP6)).toBe(true);
  });
});
