import { describe, expect, it } from 'vitest';
import { decide, type Action, type Desired } from '../../src/core/decide';

const IFACE = 'eth1';
const OTHER = 'eth2';

type Row = [
  desired: Desired,
  boundOn: string[],
  announceWhenBound: boolean,
  expected: { action: Action; add: boolean; removeFrom: string[]; announce: boolean; stopAnnounce: boolean },
];

// Every combination of desired x boundOn x announceWhenBound, written out.
const TABLE: Row[] = [
  // here: bind on IFACE, drop it from anywhere else
  ['here', [], false, { action: 'bind', add: true, removeFrom: [], announce: true, stopAnnounce: false }],
  ['here', [], true, { action: 'bind', add: true, removeFrom: [], announce: true, stopAnnounce: false }],
  ['here', [IFACE], false, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['here', [IFACE], true, { action: 'none', add: false, removeFrom: [], announce: true, stopAnnounce: false }],
  ['here', [OTHER], false, { action: 'bind', add: true, removeFrom: [OTHER], announce: true, stopAnnounce: true }],
  ['here', [OTHER], true, { action: 'bind', add: true, removeFrom: [OTHER], announce: true, stopAnnounce: true }],
  ['here', [IFACE, OTHER], false, { action: 'bind', add: false, removeFrom: [OTHER], announce: true, stopAnnounce: true }],
  ['here', [IFACE, OTHER], true, { action: 'bind', add: false, removeFrom: [OTHER], announce: true, stopAnnounce: true }],
  // elsewhere: remove it everywhere, never announce, always stop an announcer
  ['elsewhere', [], false, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: true }],
  ['elsewhere', [], true, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: true }],
  ['elsewhere', [IFACE], false, { action: 'unbind', add: false, removeFrom: [IFACE], announce: false, stopAnnounce: true }],
  ['elsewhere', [IFACE], true, { action: 'unbind', add: false, removeFrom: [IFACE], announce: false, stopAnnounce: true }],
  ['elsewhere', [OTHER], false, { action: 'unbind', add: false, removeFrom: [OTHER], announce: false, stopAnnounce: true }],
  ['elsewhere', [OTHER], true, { action: 'unbind', add: false, removeFrom: [OTHER], announce: false, stopAnnounce: true }],
  ['elsewhere', [IFACE, OTHER], false, { action: 'unbind', add: false, removeFrom: [IFACE, OTHER], announce: false, stopAnnounce: true }],
  ['elsewhere', [IFACE, OTHER], true, { action: 'unbind', add: false, removeFrom: [IFACE, OTHER], announce: false, stopAnnounce: true }],
  // unknown: touch nothing
  ['unknown', [], false, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [], true, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [IFACE], false, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [IFACE], true, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [OTHER], false, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [OTHER], true, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [IFACE, OTHER], false, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
  ['unknown', [IFACE, OTHER], true, { action: 'none', add: false, removeFrom: [], announce: false, stopAnnounce: false }],
];

describe('decide', () => {
  it('covers every combination', () => {
    const keys = new Set(TABLE.map(([d, b, a]) => `${d}|${b.join(',')}|${a}`));
    expect(keys.size).toBe(3 * 4 * 2);
  });

  it.each(TABLE)('desired=%s boundOn=%j announceWhenBound=%s', (desired, bound, announceWhenBound, expected) => {
    const d = decide(desired, { boundOn: bound, interface: IFACE }, { announceWhenBound });
    expect({ action: d.action, add: d.add, removeFrom: d.removeFrom, announce: d.announce, stopAnnounce: d.stopAnnounce }).toEqual(expected);
    // The log fields always describe both sides.
    expect(d.is).toBe(bound.length === 0 ? 'unbound' : `bound on ${bound.join(', ')}`);
    expect(d.mustBe).toBe(desired === 'here' ? `bound on ${IFACE}` : desired === 'elsewhere' ? 'unbound' : 'unknown');
    expect(d.reason.length).toBeGreaterThan(0);
    expect(d.deprecate).toBe(false); // nothing said preferredOn
  });

  it('defaults announceWhenBound to false', () => {
    expect(decide('here', { boundOn: [IFACE], interface: IFACE }).announce).toBe(false);
    expect(decide('here', { boundOn: [IFACE], interface: IFACE }, {}).announce).toBe(false);
  });

  it.each<[Desired, string[], string]>([
    ['here', [], 'master is on this host'],
    ['here', [OTHER], 'master is on this host'],
    ['here', [IFACE, OTHER], 'master is on this host; VIP on the wrong interface'],
    ['here', [IFACE], 'master is on this host; VIP already bound'],
    ['elsewhere', [IFACE], 'master is on another host'],
    ['elsewhere', [], 'master is on another host; VIP not bound here'],
    ['unknown', [IFACE], 'master unknown: leaving the VIP as it is'],
  ])('reason for %s with %j', (desired, bound, reason) => {
    expect(decide(desired, { boundOn: bound, interface: IFACE }).reason).toBe(reason);
  });

  it('returns its own removeFrom array, not the observed one', () => {
    const bound = [IFACE, OTHER];
    const d = decide('elsewhere', { boundOn: bound, interface: IFACE });
    expect(d.removeFrom).not.toBe(bound);
    d.removeFrom.push('eth9');
    expect(bound).toEqual([IFACE, OTHER]);
  });
});

describe('decide with an IPv6 VIP bound but not deprecated (preferredOn)', () => {
  it.each<[string, Desired, string[], string[], { action: Action; add: boolean; deprecate: boolean; removeFrom: string[]; announce: boolean }]>([
    ['here, bound preferred on the target: deprecate in place, no announcement', 'here', [IFACE], [IFACE], { action: 'bind', add: false, deprecate: true, removeFrom: [], announce: false }],
    ['here, bound deprecated: nothing', 'here', [IFACE], [], { action: 'none', add: false, deprecate: false, removeFrom: [], announce: false }],
    ['here, preferred on another interface only: that copy goes, the new one is added deprecated', 'here', [OTHER], [OTHER], { action: 'bind', add: true, deprecate: false, removeFrom: [OTHER], announce: true }],
    ['here, not bound (a stale preferredOn): a plain add', 'here', [], [IFACE], { action: 'bind', add: true, deprecate: false, removeFrom: [], announce: true }],
    ['elsewhere: removed, not deprecated', 'elsewhere', [IFACE], [IFACE], { action: 'unbind', add: false, deprecate: false, removeFrom: [IFACE], announce: false }],
    ['unknown: left as it is', 'unknown', [IFACE], [IFACE], { action: 'none', add: false, deprecate: false, removeFrom: [], announce: false }],
  ])('%s', (_n, desired, bound, preferred, expected) => {
    const d = decide(desired, { boundOn: bound, interface: IFACE, preferredOn: preferred });
    expect({ action: d.action, add: d.add, deprecate: d.deprecate, removeFrom: d.removeFrom, announce: d.announce }).toEqual(expected);
  });

  it('says why in the log fields', () => {
    const d = decide('here', { boundOn: [IFACE], interface: IFACE, preferredOn: [IFACE] });
    expect(d.is).toBe(`bound on ${IFACE} (not deprecated: a possible source address)`);
    expect(d.reason).toMatch(/VIP bound but not deprecated: deprecating it \(preferred_lft 0\)/);
  });
});

describe('decide without an interface (a host that has no place for the VIP)', () => {
  it('must not hold it: removes it from wherever it is', () => {
    const d = decide('elsewhere', { boundOn: ['eth7'], interface: null });
    expect(d).toMatchObject({ action: 'unbind', removeFrom: ['eth7'], add: false, announce: false, stopAnnounce: true });
    expect(decide('elsewhere', { boundOn: [], interface: null }).action).toBe('none');
    expect(decide('unknown', { boundOn: ['eth7'], interface: null }).action).toBe('none');
  });

  it('must hold it: a programming error, not a silent no-op', () => {
    expect(() => decide('here', { boundOn: [], interface: null })).toThrow(TypeError);
  });
});
