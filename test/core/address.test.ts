import { describe, expect, it } from 'vitest';
import {
  addressMemoSizes,
  inSubnet,
  ipFamily,
  isIp,
  isNetworkOrBroadcast,
  isPort,
  nonHostAddressKind,
  normalizeIp,
  parseCidr,
  parseHostPort,
  type Cidr,
} from '../../src/core/address';

describe('ipFamily', () => {
  it.each<[string, 4 | 6 | null]>([
    ['10.0.0.1', 4],
    ['0.0.0.0', 4],
    ['255.255.255.255', 4],
    ['192.168.1.254', 4],
    // IPv4 must be a strict dotted quad
    ['010.0.0.1', null], // leading zero: octal to inet_aton
    ['10.0.0.01', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['256.0.0.1', null],
    ['10.0.0.1 ', null],
    [' 10.0.0.1', null],
    ['10.0.0.1\n', null],
    ['10.0.0.1;touch /tmp/x', null],
    ['$(reboot)', null],
    ['0x0a.0.0.1', null],
    ['167772161', null],
    ['localhost', null],
    ['', null],
    // IPv6
    ['::1', 6],
    ['::', 6],
    ['fd00::1', 6],
    ['FD00:0:0:0:0:0:0:1', 6],
    ['2001:db8::ff00:42:8329', 6],
    ['::ffff:10.0.0.1', 6],
    ['fd00::1 ', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    ['fe80::1%;touch /tmp/x', null],
    ['fe80::1%$(reboot)', null],
    ['gggg::1', null],
  ])('%j -> %s', (text, family) => {
    expect(ipFamily(text)).toBe(family);
    expect(isIp(text)).toBe(family !== null);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['0:0::1', '::1'],
    ['FD00:0000::0001', 'fd00::1'],
    ['fd00:0:0:0:0:0:0:2', 'fd00::2'],
  ])('%s -> %s', (text, norm) => {
    expect(normalizeIp(text)).toBe(norm);
  });
  // Remembered (every pass meets the same addresses again): the same answers
  // from memory, for every spelling, and a bounded memory.
  it('answers the same the second time, for each spelling on its own', () => {
    for (let i = 0; i < 2; i++) {
      expect(normalizeIp('FD00:0000::0003')).toBe('fd00::3');
      expect(normalizeIp('fd00::3')).toBe('fd00::3');
      expect(inSubnet('fd00::3', 'FD00:0000::0001', 64)).toBe(true);
      expect(nonHostAddressKind('::ffff:127.0.0.1')).toBe('a loopback address');
      expect(inSubnet('::ffff:10.0.0.100', '10.0.0.5', 8)).toBe(false);
    }
  });
  it('remembers no invalid text: it throws every time', () => {
    for (let i = 0; i < 2; i++) expect(() => normalizeIp('10.0.0.300')).toThrow();
  });
  it('forgets everything past 4096 addresses, and stays right', () => {
    for (let i = 1; i <= 5000; i++) expect(normalizeIp(`fd00:0::${i.toString(16)}`)).toBe(`fd00::${i.toString(16)}`);
    const sizes = addressMemoSizes();
    expect(sizes.canonical).toBeLessThanOrEqual(4096);
    expect(sizes.parsed).toBeLessThanOrEqual(4096);
    expect(sizes.canonical).toBeGreaterThan(0);
    expect(normalizeIp('fd00:0::1')).toBe('fd00::1');
  });
});

describe('parseCidr', () => {
  it.each<[string, Cidr]>([
    ['10.0.0.100/24', { address: '10.0.0.100', prefix: 24, family: 4, text: '10.0.0.100/24' }],
    ['10.0.0.100/32', { address: '10.0.0.100', prefix: 32, family: 4, text: '10.0.0.100/32' }],
    ['10.0.0.100/0', { address: '10.0.0.100', prefix: 0, family: 4, text: '10.0.0.100/0' }],
    ['FD00:0::64/64', { address: 'fd00::64', prefix: 64, family: 6, text: 'fd00::64/64' }],
    ['fd00::1/128', { address: 'fd00::1', prefix: 128, family: 6, text: 'fd00::1/128' }],
  ])('%s parses', (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  it.each([
    '10.0.0.100', // missing slash
    '10.0.0.100/', // empty prefix
    '/24', // empty address
    '10.0.0.100/33', // > 32 for IPv4
    '10.0.0.100/100',
    'fd00::1/129', // > 128 for IPv6
    '10.0.0.100/-1',
    '10.0.0.100/+24',
    '10.0.0.100/24 ',
    '10.0.0.100/2a',
    '10.0.0.100/1000',
    '10.0.0.100/24/24',
    '010.0.0.100/24',
    '1.2.3/24',
    'localhost/24',
    '10.0.0.100/24;touch /tmp/x',
    '',
  ])('%j is rejected', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('inSubnet', () => {
  it.each<[string, string, number, boolean]>([
    ['10.0.0.100', '10.0.0.5', 24, true],
    ['10.0.0.255', '10.0.0.5', 24, true],
    ['10.0.1.100', '10.0.0.5', 24, false],
    ['10.0.1.100', '10.0.0.5', 16, true],
    ['10.0.0.100', '10.0.0.5', 32, false],
    ['10.0.0.5', '10.0.0.5', 32, true],
    ['192.168.0.1', '10.0.0.5', 0, true],
    ['10.0.0.100', '10.0.0.5', 25, true],
    ['10.0.0.200', '10.0.0.5', 25, false],
    ['fd00::100', 'fd00::2', 64, true],
    ['fd01::100', 'fd00::2', 64, false],
    // different families are never inside each other, whatever the prefix
    ['10.0.0.100', 'fd00::2', 0, false],
    ['fd00::100', '10.0.0.5', 0, false],
    ['::ffff:10.0.0.100', '10.0.0.5', 8, false],
  ])('%s in %s/%i -> %s', (ip, network, prefix, expected) => {
    expect(inSubnet(ip, network, prefix)).toBe(expected);
  });
});

describe('isNetworkOrBroadcast', () => {
  it.each<[string, boolean]>([
    ['10.0.0.0/24', true],
    ['10.0.0.255/24', true],
    ['10.0.0.100/24', false],
    ['10.0.0.1/24', false],
    ['10.0.0.254/24', false],
    ['10.0.0.128/25', true],
    ['10.0.0.127/25', true],
    ['10.0.0.126/25', false],
    ['10.0.0.4/30', true],
    ['10.0.0.7/30', true],
    ['10.0.0.5/30', false],
    // /31 and /32 have no network/broadcast addresses (RFC 3021)
    ['10.0.0.0/31', false],
    ['10.0.0.1/31', false],
    ['10.0.0.0/32', false],
    // IPv6 has no broadcast; never flagged
    ['fd00::/64', false],
  ])('%s -> %s', (text, expected) => {
    const cidr = parseCidr(text);
    expect(cidr).not.toBeNull();
    expect(isNetworkOrBroadcast(cidr!)).toBe(expected);
  });
});

describe('isPort', () => {
  it.each<[string, boolean]>([
    ['1', true],
    ['6379', true],
    ['26379', true],
    ['65535', true],
    ['0', false],
    ['65536', false],
    ['99999', false],
    ['100000', false],
    ['6379 ', false],
    [' 6379', false],
    ['+1', false],
    ['-1', false],
    ['1e3', false],
    ['0x10', false],
    ['6379.0', false],
    ['abc', false],
    ['', false],
  ])('%j -> %s', (text, expected) => {
    expect(isPort(text)).toBe(expected);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['10.0.0.11:26379', { host: '10.0.0.11', port: 26379 }],
    ['10.0.0.11:1', { host: '10.0.0.11', port: 1 }],
    ['[fd00::11]:26379', { host: 'fd00::11', port: 26379 }],
    ['[FD00:0:0::11]:26379', { host: 'fd00::11', port: 26379 }],
    ['[::1]:65535', { host: '::1', port: 65535 }],
    ['sentinel-1:26379', { host: 'sentinel-1', port: 26379 }],
    ['sentinel-1.example.com:26379', { host: 'sentinel-1.example.com', port: 26379 }],
    ['localhost:26379', { host: 'localhost', port: 26379 }],
    ['1sentinel.example:26379', { host: '1sentinel.example', port: 26379 }],
    ['redis_sentinel_1:26379', { host: 'redis_sentinel_1', port: 26379 }],
    ['sentinel-1.example.com.:26379', { host: 'sentinel-1.example.com.', port: 26379 }],
  ])('%s -> %j', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each([
    '10.0.0.11', // no port
    '10.0.0.11:', // empty port
    ':26379', // empty host
    '10.0.0.11:0',
    '10.0.0.11:65536',
    '10.0.0.11:99999',
    '10.0.0.11:+1',
    '10.0.0.11:26379 ',
    ' 10.0.0.11:26379',
    'fd00::11:26379', // IPv6 without brackets
    '[10.0.0.11]:26379', // brackets are for IPv6 only
    '[sentinel-1]:26379',
    '[fd00::11]', // brackets, no port
    '[fd00::11]:', // brackets, empty port
    'sentinel 1:26379',
    // numeric-looking names the resolver would turn into another address
    '010.0.0.11:26379', // octal: 8.0.0.11
    '1.2.3:26379', // 1.2.0.3
    '0x7f000001:26379', // 127.0.0.1
    '127.1:26379',
    '10.0.0.11.:26379',
    '1.2.3.4.5:26379',
    '256.0.0.1:26379',
    // not a host name at all
    '$(reboot):26379',
    'a;b:26379',
    '-sentinel:26379',
    'sentinel-:26379',
    'sentinel..example:26379',
    '.sentinel:26379',
    `${'a'.repeat(64)}.example:26379`, // label longer than 63
    '',
  ])('%j is rejected', (text) => {
    expect(parseHostPort(text)).toBeNull();
  });
});
