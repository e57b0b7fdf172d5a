import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announcerPidFile, startAnnouncer, stopAnnouncer } from '../../src/adapters/announce';
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
