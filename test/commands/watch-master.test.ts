import { expect, it } from 'vitest';
import { merge } from '../../src/commands/watch-master';

it.each([
  [null, { name: 'timer', at: 10, ask: true }, { name: 'timer', at: 10, ask: true }],
  [{ name: '+try-failover', at: 5, ask: false }, { name: 'timer', at: 10, ask: true }, { name: '+try-failover', at: 5, ask: true }],
  [{ name: 'timer', at: 10, ask: true }, { name: 'role-master', at: 3, ask: false }, { name: 'timer', at: 3, ask: true }],
])('merging triggers %j + %j', (a, b, expected) => {
  expect(merge(a, b)).toEqual(expected);
});
