import { describe, expect, it } from 'vitest';
import { answerFor, needsAddrByName, parseMasterFields, parseSentinelMasters, viewsFor, type SentinelMasters } from '../../src/core/sentinel-masters';

const entry = (name: string, ip: string, port = '6379', flags = 'master', extra: string[] = []) => ['name', name, 'ip', ip, 'port', port, 'runid', 'x', 'flags', flags, 'down-after-milliseconds', '1000', 'failover-timeout', '10000', ...extra];

describe('parseMasterFields', () => {
  it.each([
    [entry('m1', '10.0.0.11'), { name: 'm1', address: '10.0.0.11:6379', flags: ['master'], downAfterMs: 1000, failoverTimeoutMs: 10000 }],
    [entry('m2', 'fd00:0::13', '6380', 'master,s_down'), { name: 'm2', address: '[fd00::13]:6380', flags: ['master', 's_down'], downAfterMs: 1000, failoverTimeoutMs: 10000 }],
    [entry('m3', 'redis-3.lab', '6379'), { name: 'm3', address: 'redis-3.lab:6379', flags: ['master'], downAfterMs: 1000, failoverTimeoutMs: 10000 }],
    [['name', 'm4', 'ip', '10.0.0.1', 'port', '6379', 'down-after-milliseconds', 'abc'], { name: 'm4', address: '10.0.0.1:6379', flags: [], downAfterMs: null, failoverTimeoutMs: null }],
    [['name', 'm5', 'ip', '10.0.0.1'], null],
    [['name', 'm6', 'ip', '10.0.0.1', 'port', '65536x'], null],
    ['not an array', null],
  ] as const)('%j', (raw, expected) => {
    expect(parseMasterFields(raw)).toEqual(expected);
  });
});

it('parseSentinelMasters keys every well-formed entry by name and skips the rest', () => {
  const m = parseSentinelMasters([entry('a', '10.0.0.11'), ['name', 'broken'], entry('b', '10.0.0.12')]);
  expect([...m.keys()]).toEqual(['a', 'b']);
  expect(parseSentinelMasters(null).size).toBe(0);
});

it.each([
  ['master', false],
  ['master,o_down,failover_in_progress', true],
  ['master,failover_in_progress,promoted', true],
] as const)('needsAddrByName(%s) = %s', (flags, expected) => {
  expect(needsAddrByName(parseMasterFields(entry('m', '10.0.0.1', '6379', flags))!)).toBe(expected);
});

const reply = (sentinel: string, masters: Record<string, string> | null, error?: string): SentinelMasters => ({
  sentinel,
  masters: masters === null ? null : new Map(Object.entries(masters).map(([name, address]) => [name, { name, address, flags: ['master'], downAfterMs: 1000, failoverTimeoutMs: 10000 }])),
  ...(error ? { error } : {}),
});

describe('answerFor and viewsFor: one reply per Sentinel, one majority per master', () => {
  it('says why a Sentinel gave no address', () => {
    expect(answerFor(reply('s1', null, 'ECONNREFUSED'), 'a')).toEqual({ sentinel: 's1', master: null, error: 'ECONNREFUSED' });
    expect(answerFor(reply('s1', { b: '10.0.0.1:6379' }), 'a')).toEqual({ sentinel: 's1', master: null, error: 'does not monitor a' });
  });
  it.each([
    ['all agree on each master', [reply('s1', { a: 'A', b: 'B' }), reply('s2', { a: 'A', b: 'B' }), reply('s3', { a: 'A', b: 'B' })], { a: ['A', 3], b: ['B', 3] }],
    ['one Sentinel down: still a majority', [reply('s1', { a: 'A', b: 'B' }), reply('s2', null, 'timeout'), reply('s3', { a: 'A', b: 'B' })], { a: ['A', 2], b: ['B', 2] }],
    ['a failover of b only: b has no majority, a keeps its own', [reply('s1', { a: 'A', b: 'B' }), reply('s2', { a: 'A', b: 'B2' }), reply('s3', null)], { a: ['A', 2], b: [null, 1] }],
    ['a master one Sentinel does not monitor', [reply('s1', { a: 'A' }), reply('s2', { a: 'A', b: 'B' }), reply('s3', { a: 'A' })], { a: ['A', 3], b: [null, 1] }],
    ['two of three down: nothing', [reply('s1', { a: 'A', b: 'B' }), reply('s2', null), reply('s3', null)], { a: [null, 1], b: [null, 1] }],
  ] as const)('%s', (_, replies, expected) => {
    const views = viewsFor(['a', 'b'], replies, 3);
    for (const [name, [master, agreeing]] of Object.entries(expected)) {
      expect(views.get(name)).toMatchObject({ master, agreeing, total: 3 });
      expect(views.get(name)!.answers).toHaveLength(replies.length);
    }
  });
});
