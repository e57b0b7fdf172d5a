import { describe, expect, it } from 'vitest';
import { ownershipRefusal, parseTrust, sharedMode, trustedOwner, type Facts, type Trust } from '../../src/core/path-trust';

const GROUP = 'root:x:0:\nvipctl:x:990:redis\nredis:x:991:\nstaff:x:50:mallory\n';
const PASSWD = 'root:x:0:0::/root:/bin/sh\nvipctl:x:999:990::/nonexistent:/usr/sbin/nologin\nredis:x:998:991::/var/lib/redis:/usr/sbin/nologin\nmallory:x:1000:1000::/home/m:/bin/sh\n';
const asRoot = parseTrust(0, 'vipctl', GROUP, PASSWD);
const asWatcher = parseTrust(999, 'vipctl', GROUP, PASSWD);
const asHook = parseTrust(998, 'vipctl', GROUP, PASSWD);
const noGroup = parseTrust(0, 'vipctl', 'root:x:0:\n', PASSWD);

describe('the shared group', () => {
  it('its members: listed in /etc/group, or with it as their primary group', () => {
    expect(asRoot.gid).toBe(990);
    expect([...asRoot.members].sort()).toEqual([998, 999]);
    expect(trustedOwner(1000, asRoot)).toBe(false);
    expect(noGroup).toMatchObject({ gid: null, members: [] });
  });

  it('what vipctl creates gets the owner\'s rights for the group (and setgid on a directory); without the group, the mode as asked', () => {
    expect(sharedMode(0o700, asRoot, true)).toBe(0o2770);
    expect(sharedMode(0o600, asRoot, false)).toBe(0o660);
    expect(sharedMode(0o640, asRoot, false)).toBe(0o660);
    expect(sharedMode(0o700, noGroup, true)).toBe(0o700);
  });
});

const dir = (f: Partial<Facts>): Facts => ({ uid: 0, gid: 990, mode: 0o40000 | 0o2770, ...f });

describe('one ownership model for every entry point', () => {
  it('root acts in the run dir the watcher owns (systemd RuntimeDirectory), and the watcher and the hook in one root made', () => {
    // issue 19: "runDir ... is owned by uid 999, not root; fix with: chown root ..." for root's unbind
    expect(ownershipRefusal('/run/vipctl', dir({ uid: 999, gid: 990 }), asRoot, { directory: true })).toBeNull();
    expect(ownershipRefusal('/run/vipctl', dir({ uid: 999, gid: 990, mode: 0o40755 }), asRoot, { directory: true })).toBeNull();
    for (const t of [asWatcher, asHook, asRoot]) {
      expect(ownershipRefusal('/run/vipctl', dir({}), t, { directory: true })).toBeNull();
      expect(ownershipRefusal('/run/vipctl/locks', dir({}), t, { directory: true, privateMode: true })).toBeNull();
      expect(ownershipRefusal('/run/vipctl/locks/vip-x.lock', { uid: 0, gid: 990, mode: 0o100660 }, t, { directory: false, privateMode: true })).toBeNull();
    }
  });

  it('no other local user: not its owner, not its group, not others', () => {
    const refused = (f: Facts, privateMode = false) => ownershipRefusal('/run/vipctl', f, asRoot, { directory: true, privateMode });
    expect(refused(dir({ uid: 1000 }))?.problem).toMatch(/owned by uid 1000, which is neither root nor a member of group vipctl/);
    expect(refused(dir({ gid: 50 }))?.problem).toMatch(/group gid 50, not group vipctl/);
    expect(refused(dir({ mode: 0o40777 }))?.problem).toMatch(/others must not write/);
    expect(refused(dir({ mode: 0o42775 }), true)?.problem).toMatch(/others must have no access/);
    expect(refused(dir({ gid: 50, mode: 0o40750 }), true)?.problem).toMatch(/group gid 50/);
    expect(refused(dir({ gid: 50, mode: 0o40755 }))).toBeNull(); // a group that may only read a non-private dir
  });

  /** Apply a fix's chown/chgrp/chmod to the facts, as the operator would. */
  function follow(fix: string, f: Facts): Facts | null {
    let out = { ...f };
    const steps = fix.replace(/^.*?(fix with: |else: )/, '').split(/ && |; /);
    let changed = false;
    for (const step of steps) {
      const [cmd, arg] = step.trim().split(/\s+/);
      if (cmd === 'chown') {
        const [u, g] = arg!.split(':');
        out = { ...out, uid: u === 'root' ? 0 : Number(u), gid: g === 'vipctl' ? 990 : out.gid };
      } else if (cmd === 'chgrp') out = { ...out, gid: 990 };
      else if (cmd === 'chmod') out = { ...out, mode: (out.mode & ~0o7777) | (arg === 'o-rwx' ? out.mode & 0o7770 : parseInt(arg!, 8)) };
      else continue;
      changed = true;
    }
    return changed ? out : null;
  }

  it('every fix, when followed, leaves root, the watcher and the hook working (never a bare chown root)', () => {
    const cases: [Facts, boolean][] = [
      [dir({ uid: 1000 }), false],
      [dir({ uid: 1000, gid: 1000, mode: 0o40700 }), true],
      [dir({ gid: 50 }), false],
      [dir({ gid: 50, mode: 0o40770 }), true],
      [dir({ mode: 0o42777 }), false],
      [dir({ uid: 999, mode: 0o42775 }), true],
    ];
    for (const [facts, privateMode] of cases) {
      const r = ownershipRefusal('/run/vipctl', facts, asRoot, { directory: true, privateMode });
      expect(r, JSON.stringify(facts)).not.toBeNull();
      expect(r!.fix).not.toMatch(/chown root(?!:vipctl) /);
      const after = follow(r!.fix, facts)!;
      expect(after, r!.fix).not.toBeNull();
      for (const t of [asRoot, asWatcher, asHook]) expect(ownershipRefusal('/run/vipctl', after, t, { directory: true, privateMode }), `${r!.fix} as uid ${t.euid}`).toBeNull();
      // and the service users can write there after it: owner, or the group with rwx
      for (const uid of [999, 998]) expect(after.uid === uid || (after.gid === 990 && (after.mode & 0o070) === 0o070), `${r!.fix}: uid ${uid}`).toBe(true);
    }
  });

  it('without the group, the fix says how to make it first', () => {
    expect(ownershipRefusal('/run/vipctl', dir({ uid: 999, gid: 999 }), noGroup, { directory: true })?.fix).toMatch(/groupadd --system vipctl; usermod -aG vipctl/);
  });
});

export type { Trust };
