import { lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directoryProblem, ensureSafeDir, fileProblem, openPrivate, readSmallFile, replaceFile, UnsafePathError } from '../../src/adapters/safe-fs';
import { setTrust } from '../../src/adapters/trust';
import { closeSync, fstatSync } from 'node:fs';

const euid = process.geteuid!();
const egid = process.getegid!();
let umask = 0;

beforeEach(() => {
  umask = process.umask(0o027); // the watch unit's UMask
});
afterEach(() => {
  process.umask(umask);
  setTrust(null);
});

const base = (): string => mkdtempSync(join(tmpdir(), 'vipctl-safe-fs-'));

describe('safe-fs with the shared group', () => {
  it('a directory it makes is the group\'s with the owner\'s rights and setgid, whatever the umask', () => {
    setTrust({ euid, group: 'test', gid: egid, members: [] });
    const d = ensureSafeDir(join(base(), 'run'), 0o700);
    const st = lstatSync(d);
    expect(st.mode & 0o7777).toBe(0o2770);
    expect(st.gid).toBe(egid);
  });

  it('a file it creates (a lock) is the group\'s too, 0660; one that exists is left as it is', () => {
    setTrust({ euid, group: 'test', gid: egid, members: [] });
    const d = ensureSafeDir(join(base(), 'locks'), 0o700, { privateMode: true });
    const fd = openPrivate(join(d, 'vip.lock'));
    expect(fstatSync(fd).mode & 0o777).toBe(0o660);
    closeSync(fd);
    chmodSync(join(d, 'vip.lock'), 0o600);
    const again = openPrivate(join(d, 'vip.lock'));
    expect(fstatSync(again).mode & 0o777).toBe(0o600);
    closeSync(again);
  });

  it('replaceFile: the new file is the group\'s with the owner\'s rights', () => {
    setTrust({ euid, group: 'test', gid: egid, members: [] });
    const p = join(base(), 'announce.pid');
    replaceFile(p, '123\n', 0o600);
    expect(lstatSync(p).mode & 0o777).toBe(0o660);
    expect(readSmallFile(p)).toBe('123\n');
  });

  it('without the group: the modes as asked (umask-proof is not needed then: 0700 and 0600 survive 027)', () => {
    setTrust({ euid, group: 'test', gid: null, members: [] });
    const d = ensureSafeDir(join(base(), 'run'), 0o700);
    expect(lstatSync(d).mode & 0o7777).toBe(0o700);
  });

  it('a directory or file owned by a member of the group is accepted; by anyone else refused with a fix that keeps the group', () => {
    const d = base();
    const owner = 4242; // a service user (fake stat facts: the test may run as root, who owns everything it makes)
    const st = Object.assign(lstatSync(d), { uid: owner, gid: egid });
    setTrust({ euid: 0, group: 'test', gid: egid, members: [owner] });
    expect(directoryProblem(d, st, {})).toBeNull();
    setTrust({ euid: 0, group: 'test', gid: egid, members: [] });
    const r = directoryProblem(d, st, {});
    expect(r).toBeInstanceOf(UnsafePathError);
    expect(r!.message).toMatch(new RegExp(`owned by uid ${owner}, which is neither root nor a member of group test`));
    expect(r!.fix).toContain(`chown root:test ${d} && chmod 2770 ${d}`);
    const f = join(d, 'x');
    writeFileSync(f, '');
    expect(fileProblem(f, Object.assign(lstatSync(f), { uid: owner }))?.message).toMatch(/neither root/);
  });

  it('a symlink planted as a lock file is refused, never followed', () => {
    setTrust({ euid, group: 'test', gid: egid, members: [] });
    const d = ensureSafeDir(join(base(), 'locks'), 0o700, { privateMode: true });
    mkdirSync(join(d, 'target'));
    symlinkSync(join(d, 'target', 'f'), join(d, 'vip.lock'));
    expect(() => openPrivate(join(d, 'vip.lock'))).toThrow(/is a symlink \(not followed\)/);
  });
});
