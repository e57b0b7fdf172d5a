/** The hook's want (hookWant): core/desired's one rule on <to-ip>, as the hook calls it. */
import { describe, expect, it } from 'vitest';
import { hookWant } from '../../src/commands/hook';
import type { Desired } from '../../src/core/decide';

const LOCAL = new Set(['198.18.0.11', 'fd00::11']);
const MOVED = 'sentinel (leader) moved mymaster to X';

describe("the hook's want rule", () => {
  it.each<[string, string, string[] | null, Desired, string]>([
    ['an IPv4 literal of this host', '198.18.0.11', null, 'here', 'to-ip 198.18.0.11 is this host'],
    ['an IPv6 literal of this host', 'fd00::11', null, 'here', 'to-ip fd00::11 is this host'],
    ['an IP literal of another host', '198.18.0.12', null, 'elsewhere', 'to-ip 198.18.0.12 is another host'],
    ['a host name resolving to this host', 'n1.lab', ['198.18.0.11'], 'here', 'to-ip n1.lab resolves to 198.18.0.11, an address of this host'],
    ['a host name resolving to several, one of them ours', 'n1.lab', ['198.18.0.12', 'fd00::11'], 'here', 'to-ip n1.lab resolves to fd00::11, an address of this host'],
    ['a host name resolving to our address written long', 'n1.lab', ['fd00:0:0::11'], 'here', 'to-ip n1.lab resolves to fd00::11, an address of this host'],
    ['a host name resolving to another host', 'n2.lab', ['198.18.0.12'], 'elsewhere', 'to-ip n2.lab resolves to 198.18.0.12, another host'],
  ])('%s', (_name, toIp, addresses, desired, reason) => {
    const w = hookWant(toIp, addresses, MOVED)(LOCAL);
    expect(w).toEqual({ desired, reason: `${MOVED}: ${reason}` });
  });

  it('a host name never resolved (no addresses given) is no host: unknown, never elsewhere', () => {
    expect(hookWant('n1.lab', null, MOVED)(LOCAL).desired).toBe('unknown');
  });

  it('reads the local addresses each time it is asked (converge reads them under the lock)', () => {
    const want = hookWant('198.18.0.11', null, MOVED);
    expect(want(new Set()).desired).toBe('elsewhere');
    expect(want(LOCAL).desired).toBe('here');
  });
});
