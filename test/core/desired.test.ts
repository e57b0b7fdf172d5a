import { describe, expect, it } from 'vitest';
import { desiredFromAddresses, desiredFromHost, desiredFromMaster, isLocalHost, localAddressOf } from '../../src/core/desired';
import type { Desired } from '../../src/core/decide';

const LOCAL = new Set(['198.18.0.11', '127.0.0.1', '::1', 'fe80::1', 'fd00::11']);

// What the adapter resolved (adapters/resolve.ts); null: did not resolve or not in time.
const RESOLVED = new Map<string, string[] | null>([
  ['redis-2', ['198.18.0.12']],
  ['gone.lab', null],
  ['multi.lab', ['198.18.0.12', 'fd00::11']],
  ['self.lab', ['127.0.1.1']],
]);
const withOwn = (name: string) => new Map([...RESOLVED, [name, ['198.18.0.11']]]);

describe('desiredFromMaster: an address vipctl cannot compare is never "elsewhere"', () => {
  it.each<[string, string | null, Desired, RegExp]>([
    ['our address', '198.18.0.11:6379', 'here', /^master 198\.18\.0\.11:6379 is this host$/],
    ['our IPv6 address', '[fd00::11]:6379', 'here', /is this host/],
    ['our IPv6 address, written long', '[fd00:0:0::11]:6379', 'here', /is this host/],
    ['another host', '198.18.0.12:6379', 'elsewhere', /^master 198\.18\.0\.12:6379 is another host$/],
    ['another IPv6 host', '[fd00::12]:6379', 'elsewhere', /is another host/],
    ['no master', null, 'unknown', /^no master known$/],
    ['a host name not resolved, even our own', 'n1.lab:6379', 'unknown', /^master n1\.lab:6379 is a host name that was not resolved$/],
    ['a host name that does not resolve', 'gone.lab:6379', 'unknown', /does not resolve \(or not in time\)/],
    ['a host name resolving to one of ours', 'n1.lab:6379', 'here', /^master n1\.lab:6379 resolves to 198\.18\.0\.11, an address of this host$/],
    ['a short host name resolving to another host', 'redis-2:6379', 'elsewhere', /^master redis-2:6379 resolves to 198\.18\.0\.12, another host$/],
    ['a host name resolving to several, one ours', 'multi.lab:6379', 'here', /resolves to fd00::11, an address of this host/],
    ['a host name resolving to loopback (Debian\'s 127.0.1.1)', 'self.lab:6379', 'unknown', /resolves to 127\.0\.1\.1, a loopback address, which names no single host/],
    ['an invalid host name', 'a..b:6379', 'unknown', /neither an IP address nor a valid host name/],
    ['loopback (on every host)', '127.0.0.1:6379', 'unknown', /is a loopback address, which names no single host/],
    ['IPv6 loopback', '[::1]:6379', 'unknown', /loopback/],
    ['link-local', '[fe80::1]:6379', 'unknown', /link-local/],
    ['unspecified', '0.0.0.0:6379', 'unknown', /unspecified/],
    ['multicast', '224.0.0.1:6379', 'unknown', /multicast/],
  ])('%s', (_name, master, desired, reason) => {
    const w = desiredFromMaster(master, LOCAL, _name.includes('resolving to one of ours') ? withOwn('n1.lab') : RESOLVED);
    expect(w.desired).toBe(desired);
    expect(w.reason).toMatch(reason);
  });
});

describe('desiredFromHost: one rule for an IP literal and a host name (the hook, and desiredFromMaster)', () => {
  it.each<[string, Map<string, string[] | null>, Desired, string]>([
    ['198.18.0.11', new Map(), 'here', 'h 198.18.0.11 is this host'],
    ['198.18.0.12', new Map(), 'elsewhere', 'h 198.18.0.12 is another host'],
    ['fd00:0::11', new Map(), 'here', 'h fd00:0::11 is this host'],
    ['127.0.0.1', new Map(), 'unknown', 'h 127.0.0.1 is a loopback address, which names no single host'],
    ['n1.lab', withOwn('n1.lab'), 'here', 'h n1.lab resolves to 198.18.0.11, an address of this host'],
    ['redis-2', RESOLVED, 'elsewhere', 'h redis-2 resolves to 198.18.0.12, another host'],
    ['n1.lab', RESOLVED, 'unknown', 'h n1.lab is a host name that was not resolved'],
    ['a..b', RESOLVED, 'unknown', 'h a..b is neither an IP address nor a valid host name'],
  ])('%s', (host, resolved, desired, reason) => {
    expect(desiredFromHost(`h ${host}`, host, LOCAL, resolved)).toEqual({ desired, reason });
  });
  it('desiredFromMaster is desiredFromHost on the master\'s host', () => {
    for (const m of ['198.18.0.11:6379', '[fd00::12]:6379', 'n1.lab:6379', 'redis-2:6379', '[::1]:6379']) expect(desiredFromMaster(m, LOCAL, RESOLVED)).toEqual(desiredFromHost(`master ${m}`, m.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'), LOCAL, RESOLVED));
  });
});

describe('desiredFromAddresses (desiredFromHost\'s rule for a resolved name)', () => {
  it.each<[string[] | null | undefined, Desired]>([
    [['198.18.0.11'], 'here'],
    [['198.18.0.12'], 'elsewhere'],
    [['198.18.0.12', '198.18.0.11'], 'here'],
    [[], 'unknown'],
    [null, 'unknown'],
    [undefined, 'unknown'],
    [['198.18.0.12', '127.0.0.1'], 'unknown'],
    [['169.254.1.1'], 'unknown'],
  ])('%j -> %s', (addresses, desired) => {
    expect(desiredFromAddresses('n.lab', addresses, LOCAL).desired).toBe(desired);
  });
});

describe('isLocalHost', () => {
  const local = new Set(['10.0.0.11', 'fd00::11']);
  it.each<[string, Map<string, string[] | null>, boolean]>([
    ['10.0.0.11', new Map(), true],
    ['10.0.0.12', new Map(), false],
    ['fd00:0::11', new Map(), true],
    ['n1.example', new Map([['n1.example', ['10.0.0.12', '10.0.0.11']]]), true],
    ['n2.example', new Map([['n2.example', ['10.0.0.12']]]), false],
    ['n1.example', new Map(), false],
    ['n1.example', new Map([['n1.example', null]]), false],
    ['self.example', new Map([['self.example', ['127.0.1.1']]]), false],
    ['not a name!', new Map([['not a name!', ['10.0.0.11']]]), false],
  ])('%s (%o): %s', (host, resolved, expected) => {
    expect(isLocalHost(host, local, resolved)).toBe(expected);
  });
});

describe('localAddressOf: where the ROLE poller connects for a replica on this host', () => {
  const local = new Set(['10.0.0.11', 'fd00::11']);
  it.each<[string, Map<string, string[] | null>, string | null]>([
    ['10.0.0.11', new Map(), '10.0.0.11'],
    ['fd00:0::11', new Map(), 'fd00:0::11'],
    ['10.0.0.12', new Map(), null],
    ['n1.example', new Map([['n1.example', ['10.0.0.12', '10.0.0.11']]]), '10.0.0.11'], // the address that is ours, not the first
    ['n1.example', new Map([['n1.example', ['fd00:0::11']]]), 'fd00:0::11'],
    ['n2.example', new Map([['n2.example', ['10.0.0.12']]]), null],
    ['n1.example', new Map(), null], // not resolved: never this host
    ['n1.example', new Map([['n1.example', null]]), null],
    ['self.example', new Map([['self.example', ['127.0.1.1', '10.0.0.11']]]), null],
  ])('%s (%o): %s', (host, resolved, expected) => {
    expect(localAddressOf(host, local, resolved)).toBe(expected);
  });
});

describe('desiredFromMaster: what the watcher\'s want falls back on', () => {
  const local = new Set(['198.18.0.13', 'fd00::13']);
  it.each([
    [null, 'unknown'],
    ['198.18.0.13:6379', 'here'],
    ['198.18.0.11:6379', 'elsewhere'],
    ['[fd00::13]:6379', 'here'],
    ['[fd00:0::13]:6379', 'here'],
    ['redis-3:6379', 'unknown'], // a host name not resolved: never "elsewhere"
    ['198.18.0.013:6379', 'unknown'],
    ['127.0.0.1:6379', 'unknown'],
  ] as const)('%s -> %s', (master, expected) => {
    expect(desiredFromMaster(master, local).desired).toBe(expected);
  });
});
