import { describe, expect, it } from 'vitest';
import { desiredFromMaster } from '../../src/core/desired';
import type { Desired } from '../../src/core/decide';

const LOCAL = new Set(['198.18.0.11', '127.0.0.1', '::1', 'fe80::1', 'fd00::11']);

describe('desiredFromMaster: an address vipctl cannot compare is never "elsewhere"', () => {
  it.each<[string, string | null, Desired, RegExp]>([
    ['our address', '198.18.0.11:6379', 'here', /^master 198\.18\.0\.11:6379 is this host$/],
    ['our IPv6 address', '[fd00::11]:6379', 'here', /is this host/],
    ['our IPv6 address, written long', '[fd00:0:0::11]:6379', 'here', /is this host/],
    ['another host', '198.18.0.12:6379', 'elsewhere', /^master 198\.18\.0\.12:6379 is another host$/],
    ['another IPv6 host', '[fd00::12]:6379', 'elsewhere', /is another host/],
    ['no master', null, 'unknown', /^no master known$/],
    ['a host name (announce-hostnames), even our own', 'n1.lab:6379', 'unknown', /is a host name, and vipctl does not resolve names yet/],
    ['a short host name', 'redis-1:6379', 'unknown', /does not resolve names yet/],
    ['loopback (on every host)', '127.0.0.1:6379', 'unknown', /is a loopback address, which names no single host/],
    ['IPv6 loopback', '[::1]:6379', 'unknown', /loopback/],
    ['link-local', '[fe80::1]:6379', 'unknown', /link-local/],
    ['unspecified', '0.0.0.0:6379', 'unknown', /unspecified/],
    ['multicast', '224.0.0.1:6379', 'unknown', /multicast/],
  ])('%s', (_name, master, desired, reason) => {
    const w = desiredFromMaster(master, LOCAL);
    expect(w.desired).toBe(desired);
    expect(w.reason).toMatch(reason);
  });
});
