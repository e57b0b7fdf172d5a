/**
 * decide + planFor, for any link state: the plan, carried out on that state (the way `ip` does,
 * modelled from its argv), converges in one step to where the VIP must be, and deciding again
 * on the result asks for nothing more (no address change, no announcement). Carrying the same
 * plan out twice changes nothing more than once (every step is idempotent).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, type Cidr } from '../../src/core/address';
import { decide, type Desired } from '../../src/core/decide';
import { boundOn, preferredOn, type Link, type LinkAddress } from '../../src/core/local';
import { planFor, type Step } from '../../src/core/plan';

const IFNAMES = ['eth0', 'eth1', 'bond0', 'ens3'];
const VIPS = [parseCidr('198.18.0.100/24')!, parseCidr('fd00::100/64')!];
const OTHERS = { 4: ['198.18.0.11', '198.18.0.12', '10.0.0.5'], 6: ['fd00::11', 'fd00::12', '2001:db8::5'] };

/** A host's links: some interfaces, each with some of this family's addresses, the VIP (with the configured prefix) on any of them. */
const linksFor = (vip: Cidr): fc.Arbitrary<Link[]> =>
  fc.uniqueArray(fc.constantFrom(...IFNAMES), { minLength: 1, maxLength: IFNAMES.length }).chain((names) =>
    fc.tuple(
      ...names.map((ifname) =>
        fc.record({
          up: fc.boolean(),
          others: fc.subarray(OTHERS[vip.family]),
          vip: fc.boolean(),
          deprecated: fc.boolean(),
        }).map(({ up, others, vip: hasVip, deprecated }): Link => ({
          ifname,
          up,
          mac: null,
          addresses: [
            ...others.map((a): LinkAddress => ({ address: a, prefix: vip.prefix, family: vip.family })),
            ...(hasVip ? [{ address: vip.address, prefix: vip.prefix, family: vip.family, ...(vip.family === 6 && deprecated ? { deprecated: true as const } : {}) }] : []),
          ],
        })),
      ),
    ),
  );

const announce = fc.record({ count: fc.integer({ min: 0, max: 5 }), intervalSeconds: fc.integer({ min: 1, max: 3 }), mode: fc.constantFrom('request' as const, 'reply' as const) });

const scenario = fc.constantFrom(...VIPS).chain((vip) =>
  linksFor(vip).chain((links) =>
    fc.record({
      vip: fc.constant(vip),
      links: fc.constant(links),
      desired: fc.constantFrom<Desired>('here', 'elsewhere', 'unknown'),
      target: fc.constantFrom(...links.map((l) => l.ifname)),
      announce,
      announceWhenBound: fc.boolean(),
    }),
  ),
);

/** What `ip` does with one step's argv (okIf: "File exists" / "address not found" leave the state as it is). */
function carryOut(links: readonly Link[], step: Step, vip: Cidr): Link[] {
  if (step.kind !== 'exec') return links.map((l) => ({ ...l, addresses: [...l.addresses] }));
  const a = step.argv;
  const verb = a[a.indexOf('addr') + 1];
  const dev = a[a.indexOf('dev') + 1];
  expect(a[a.indexOf('addr') + 2], `${a.join(' ')}: the VIP with its prefix`).toBe(vip.text);
  const deprecated = a.includes('preferred_lft') && a[a.indexOf('preferred_lft') + 1] === '0';
  return links.map((l) => {
    if (l.ifname !== dev) return { ...l, addresses: [...l.addresses] };
    const rest = l.addresses.filter((x) => x.address !== vip.address);
    const had = rest.length !== l.addresses.length;
    const entry: LinkAddress = { address: vip.address, prefix: vip.prefix, family: vip.family, ...(vip.family === 6 && deprecated ? { deprecated: true as const } : {}) };
    if (verb === 'del') return { ...l, addresses: rest };
    if (verb === 'add') return had ? { ...l, addresses: [...l.addresses] } : { ...l, addresses: [...rest, entry] };
    if (verb === 'change') return { ...l, addresses: [...rest, entry] };
    throw new Error(`unexpected ip verb in ${a.join(' ')}`);
  });
}

const apply = (links: readonly Link[], steps: readonly Step[], vip: Cidr): Link[] => steps.reduce((acc, s) => carryOut(acc, s, vip), links.map((l) => ({ ...l })));

function plan(desired: Desired, links: readonly Link[], target: string, vip: Cidr, o: { announce: ReturnType<typeof announce.generate>['value']; announceWhenBound: boolean }) {
  const decision = decide(desired, { boundOn: boundOn(links, vip.address), interface: desired === 'here' ? target : null, preferredOn: preferredOn(links, vip.address) }, { announceWhenBound: o.announceWhenBound });
  return { decision, steps: planFor(decision, vip, desired === 'here' ? target : null, o.announce) };
}

describe('decide and planFor (property-based)', () => {
  it('converge in one step, and a second decision on the result asks for nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const first = plan(s.desired, s.links, s.target, s.vip, s);
        const after = apply(s.links, first.steps, s.vip);
        // where the VIP must be, after one plan
        if (s.desired === 'here') {
          expect(boundOn(after, s.vip.address)).toEqual([s.target]);
          expect(preferredOn(after, s.vip.address)).toEqual([]);
        } else if (s.desired === 'elsewhere') {
          expect(boundOn(after, s.vip.address)).toEqual([]);
        } else {
          expect(after).toEqual(s.links);
        }
        // the watcher's next pass (announceWhenBound false): nothing left to do
        const second = plan(s.desired, after, s.target, s.vip, { announce: s.announce, announceWhenBound: false });
        expect(second.decision.action).toBe('none');
        expect(second.steps.filter((x) => x.kind !== 'stop-announce')).toEqual([]);
        if (s.desired !== 'elsewhere') expect(second.steps).toEqual([]);
        // a plan only announces what it binds: never after removing the VIP from every interface
        if (s.desired !== 'here') expect(first.steps.some((x) => x.kind === 'announce')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('carrying out a plan twice leaves the links as once (each step is idempotent)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { steps } = plan(s.desired, s.links, s.target, s.vip, s);
        const once = apply(s.links, steps, s.vip);
        expect(apply(once, steps, s.vip)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('the announcer stops before the VIP is removed (never one left running without the VIP)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { steps } = plan(s.desired, s.links, s.target, s.vip, s);
        const firstDel = steps.findIndex((x) => x.kind === 'exec' && x.what === 'ip-del');
        if (firstDel >= 0) expect(steps.findIndex((x) => x.kind === 'stop-announce')).toBeLessThan(firstDel);
      }),
      { numRuns: 300 },
    );
  });
});
