import { describe, expect, it } from 'vitest';
import { ancestorRefusal, configFileRefusal, holdsPassword, MAX_CONFIG_BYTES, passwordRefusal, type DirFacts, type FileFacts, type PathEntry } from '../../src/core/config-file-policy';

const P = '/etc/vipctl/vipctl.yaml';
const file = (f: Partial<FileFacts> = {}): FileFacts => ({ isFile: true, uid: 0, mode: 0o100600, size: 200, ...f });
const dir = (d: Partial<DirFacts> = {}): DirFacts => ({ uid: 0, mode: 0o40755, ...d });

describe('configFileRefusal', () => {
  it.each<[string, FileFacts, DirFacts | null, number, RegExp | null]>([
    ['root file 0600', file(), dir(), 0, null],
    ['root file 0644', file({ mode: 0o100644 }), dir(), 0, null],
    ['own file, vipctl not root', file({ uid: 1000 }), dir(), 1000, null],
    ['root file, vipctl not root', file(), dir(), 1000, null],
    ['directory unknown', file(), null, 0, null],
    ['sticky world-writable directory (/tmp)', file(), dir({ mode: 0o41777 }), 0, null],
    ['exactly the size cap', file({ size: MAX_CONFIG_BYTES }), dir(), 0, null],
    ['not a regular file', file({ isFile: false }), dir(), 0, /is not a regular file/],
    ['owned by another user', file({ uid: 65534 }), dir(), 0, /owned by uid 65534, not root; fix with: chown root:vipctl \S+ && chmod 640 /],
    ['owned by another user, vipctl not root', file({ uid: 65534 }), dir(), 1000, /owned by uid 65534, not root or uid 1000/],
    ['group-writable', file({ mode: 0o100660 }), dir(), 0, /writable by group or others \(mode 0660\); fix with: chmod go-w/],
    ['world-writable', file({ mode: 0o100602 }), dir(), 0, /writable by group or others \(mode 0602\)/],
    ['over the size cap', file({ size: MAX_CONFIG_BYTES + 1 }), dir(), 0, /more than the 1048576/],
    ['directory of another user', file(), dir({ uid: 65534 }), 0, /directory is owned by uid 65534/],
    ['group-writable directory', file(), dir({ mode: 0o40775 }), 0, /directory is writable by group or others \(mode 0775\)/],
  ])('%s', (_name, f, d, euid, why) => {
    const r = configFileRefusal(P, f, d, euid);
    if (why === null) expect(r).toBeNull();
    else expect(r).toMatch(why);
  });
});

describe('passwordRefusal (a password readable by every user is refused, not warned about)', () => {
  it.each<[string, number, boolean, RegExp | null]>([
    ['password, 0600', 0o100600, true, null],
    ['password, 0640 (group redis may read it)', 0o100640, true, null],
    ['password, 0644', 0o100644, true, /readable by every local user \(mode 0644\); fix with: chown root:vipctl \S+ && chmod 640 /],
    ['password, 0604', 0o100604, true, /readable by every local user/],
    ['no password, 0644', 0o100644, false, null],
  ])('%s', (_name, mode, pw, why) => {
    const r = passwordRefusal(P, file({ mode }), pw);
    if (why === null) expect(r).toBeNull();
    else expect(r).toMatch(why);
  });
});

describe('ancestorRefusal: every directory and symlink on the way to the file', () => {
  const d = (path: string, uid = 0, mode = 0o40755): PathEntry => ({ path, uid, mode, symlink: false });
  const l = (path: string, uid = 0): PathEntry => ({ path, uid, mode: 0o120777, symlink: true });
  it.each<[string, PathEntry[], number, RegExp | null]>([
    ['root all the way', [d('/'), d('/etc'), d('/etc/vipctl')], 0, null],
    ['/tmp (sticky, 1777) with a root-owned directory', [d('/'), d('/tmp', 0, 0o41777), d('/tmp/x', 0, 0o40700)], 0, null],
    ['a root-owned symlink, mode 0777 as every link', [d('/'), d('/etc'), l('/etc/vipctl.yaml')], 0, null],
    // the finding: a nobody-owned symlink in a 0777 directory to a root-owned config
    ['a symlink owned by uid 65534', [d('/'), d('/srv', 0, 0o40777), l('/srv/vipctl.yaml', 65534)], 0, /\/srv \(on the way to it\) is writable by group or others \(mode 0777\)/],
    ['a symlink owned by uid 65534 in a sticky directory', [d('/'), d('/tmp', 0, 0o41777), l('/tmp/vipctl.yaml', 65534)], 0, /\/tmp\/vipctl.yaml \(on the way to it, a symlink\) is owned by uid 65534, not root/],
    ['a grandparent writable by group', [d('/'), d('/opt', 0, 0o40775), d('/opt/vipctl')], 0, /\/opt \(on the way to it\) is writable by group or others \(mode 0775\)/],
    ['a directory owned by another user', [d('/'), d('/home/al', 1000, 0o40700)], 0, /\/home\/al \(on the way to it\) is owned by uid 1000, not root/],
    ["vipctl's own user", [d('/'), d('/home/al', 1000, 0o40700)], 1000, null],
  ])('%s', (_name, entries, euid, why) => {
    const r = ancestorRefusal(P, entries, euid);
    if (why === null) expect(r).toBeNull();
    else expect(r).toMatch(why);
  });
});

describe('holdsPassword', () => {
  it.each<[unknown, boolean]>([
    [{ sentinel: { password: 'x' } }, true],
    [{ redis: { password: 'x' } }, true],
    [{ sentinel: { addresses: [] } }, false],
    [null, false],
    ['text', false],
  ])('%j -> %s', (doc, expected) => {
    expect(holdsPassword(doc)).toBe(expected);
  });
});
