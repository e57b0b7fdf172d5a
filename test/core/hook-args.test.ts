import { thrownVipctlError } from '../support/errors';
import { describe, expect, it } from 'vitest';
import { VipctlError } from '../../src/core/errors';
import { HOOK_USAGE, parseHookArgs, type HookArgs } from '../../src/core/hook-args';

const VALID = ['mymaster', 'leader', 'start', '10.0.0.11', '6379', '10.0.0.12', '6380'] as const;

/** VALID with argument `index` replaced. */
function withArg(index: number, value: string): string[] {
  const args: string[] = [...VALID];
  args[index] = value;
  return args;
}

function usageError(args: readonly string[]): VipctlError {
  const err = thrownVipctlError(() => parseHookArgs(args), 'USAGE', 2);
  expect(err.message).not.toMatch(/[\r\n]/);
  return err;
}

describe('parseHookArgs: valid', () => {
  it.each<[string, string[], HookArgs]>([
    [
      'leader, IPv4',
      [...VALID],
      { master: 'mymaster', role: 'leader', state: 'start', fromIp: '10.0.0.11', fromPort: 6379, toIp: '10.0.0.12', toPort: 6380, toIsName: false },
    ],
    [
      'observer, edge ports',
      ['mymaster', 'observer', 'start', '10.0.0.11', '1', '10.0.0.12', '65535'],
      { master: 'mymaster', role: 'observer', state: 'start', fromIp: '10.0.0.11', fromPort: 1, toIp: '10.0.0.12', toPort: 65535, toIsName: false },
    ],
    [
      'IPv6 addresses are normalised',
      ['cache-1', 'leader', 'start', 'FD00:0:0::11', '6379', 'fd00:0000::12', '6379'],
      { master: 'cache-1', role: 'leader', state: 'start', fromIp: 'fd00::11', fromPort: 6379, toIp: 'fd00::12', toPort: 6379, toIsName: false },
    ],
    [
      'master names may hold punctuation',
      ['my.master:1_x', 'leader', 'start', '10.0.0.11', '6379', '10.0.0.12', '6379'],
      { master: 'my.master:1_x', role: 'leader', state: 'start', fromIp: '10.0.0.11', fromPort: 6379, toIp: '10.0.0.12', toPort: 6379, toIsName: false },
    ],
  ])('%s', (_name, args, expected) => {
    expect(parseHookArgs(args)).toEqual(expected);
  });
});

describe('parseHookArgs: wrong count', () => {
  it.each([0, 1, 6, 8])('%i arguments', (n) => {
    const args = Array.from({ length: n }, (_, i) => VALID[i % 7]!);
    const err = usageError(args);
    expect(err.message).toBe(`expected 7 arguments, got ${n}; ${HOOK_USAGE}`);
  });
});

describe('parseHookArgs: bad argument', () => {
  it.each<[string, number, string, string]>([
    ['empty master', 0, '', 'master'],
    ['master with a space', 0, 'my master', 'master'],
    ['master with a newline', 0, 'my\nmaster', 'master'],
    ['master with a tab', 0, 'my\tmaster', 'master'],
    ['master with a control character', 0, 'my\x00master', 'master'],
    ['master too long', 0, 'm'.repeat(129), 'master'],
    ['role', 1, 'follower', 'role'],
    ['role, wrong case', 1, 'Leader', 'role'],
    ['role empty', 1, '', 'role'],
    ['state failover', 2, 'failover', 'state'],
    ['state end', 2, 'end', 'state'],
    ['from-ip shell', 3, '10.0.0.1;touch /tmp/x', 'from-ip'],
    ['from-ip substitution', 3, '$(reboot)', 'from-ip'],
    ['from-ip localhost (always loopback)', 3, 'localhost', 'from-ip'],
    ['from-ip bad host name', 3, 'redis_-.lab', 'from-ip'],
    ['from-ip octal', 3, '010.0.0.1', 'from-ip'],
    ['from-ip short', 3, '1.2.3', 'from-ip'],
    ['from-ip empty', 3, '', 'from-ip'],
    ['from-port 0', 4, '0', 'from-port'],
    ['from-port 99999', 4, '99999', 'from-port'],
    ['from-port abc', 4, 'abc', 'from-port'],
    ['from-port with a space', 4, '6379 ', 'from-port'],
    ['to-ip shell', 5, '10.0.0.1;touch /tmp/x', 'to-ip'],
    ['to-ip substitution', 5, '$(reboot)', 'to-ip'],
    ['to-ip localhost (always loopback)', 5, 'localhost', 'to-ip'],
    ['to-ip *.localhost', 5, 'redis.localhost', 'to-ip'],
    ['to-ip host name with a leading hyphen', 5, '-redis.lab', 'to-ip'],
    ['to-ip host name with a space', 5, 'redis 1', 'to-ip'],
    ['to-ip host name too long', 5, `${'a'.repeat(63)}.`.repeat(5), 'to-ip'],
    ['to-ip CIDR', 5, '10.0.0.12/24', 'to-ip'],
    ['to-port 0', 6, '0', 'to-port'],
    ['to-port 65536', 6, '65536', 'to-port'],
    ['to-port 99999', 6, '99999', 'to-port'],
    ['to-port abc', 6, 'abc', 'to-port'],
    ['to-port +1', 6, '+1', 'to-port'],
  ])('%s', (_name, index, value, key) => {
    const err = usageError(withArg(index, value));
    expect(err.details.key).toBe(key);
    // The argument is shown JSON-quoted, cut to 80 characters.
    const quoted = JSON.stringify(value);
    const shown = quoted.length > 80 ? `${quoted.slice(0, 77)}..."` : quoted;
    expect(err.message.startsWith(`${key}: ${shown} is not `)).toBe(true);
    expect(err.message.endsWith(HOOK_USAGE)).toBe(true);
  });

  it('names the first bad argument when several are bad', () => {
    const err = usageError(['mymaster', 'leader', 'start', '10.0.0.11', 'abc', '$(reboot)', '0']);
    expect(err.details.key).toBe('from-port');
  });

  it.each<[number, string]>([
    [0, 'master'],
    [3, 'from-ip'],
    [5, 'to-ip'],
    [6, 'to-port'],
  ])('keeps the message to one short line for a 10 kB argument in position %i', (index, key) => {
    const huge = `10.0.0.1\n${'x'.repeat(5000)}\r\n${'$(reboot);'.repeat(500)}`;
    expect(huge.length).toBeGreaterThan(10_000);
    const err = usageError(withArg(index, huge));
    expect(err.details.key).toBe(key);
    expect(err.message.length).toBeLessThan(80 + HOOK_USAGE.length + key.length + 40);
    expect(err.message).toContain('..."');
  });
});

describe('parseHookArgs: a <to-ip> that names no single host', () => {
  it.each<[string, string]>([
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['169.254.10.1', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['0.0.0.0', 'the unspecified address'],
    ['0.1.2.3', 'the unspecified address'],
    ['::', 'the unspecified address'],
    ['224.0.0.18', 'a multicast address'],
    ['239.1.1.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'the broadcast address'],
  ])('%s is refused: %s', (ip, kind) => {
    const err = usageError(withArg(5, ip));
    expect(err.details.key).toBe('to-ip');
    expect(err.message).toBe(`to-ip: ${JSON.stringify(ip)} is ${kind}, which names no single host: the master must be announced by an address of its own (check replica-announce-ip and sentinel announce-ip)`);
  });

  it.each(['10.0.0.12', '198.18.0.11', '192.168.1.1', 'fd00::12', '2001:db8::1'])('%s is a host address', (ip) => {
    expect(parseHookArgs(withArg(5, ip)).toIp).toBe(ip);
  });

  it.each([
    ['n1.lab', 'n1.lab'],
    ['Redis-1.Example.COM', 'redis-1.example.com'],
    ['redis_3', 'redis_3'],
  ])('a host name %s (announce-hostnames yes) is taken, to be resolved by the hook', (name, lower) => {
    expect(parseHookArgs(['mymaster', 'leader', 'start', 'n2.lab', '6379', name, '6379'])).toMatchObject({ toIp: lower, toIsName: true, fromIp: 'n2.lab' });
  });

  it('the from-ip is only reported, never acted on: a loopback there is accepted', () => {
    expect(parseHookArgs(withArg(3, '127.0.0.1')).fromIp).toBe('127.0.0.1');
  });
});
