import { describe, expect, it } from 'vitest';
import { countLost } from '../../src/lab/lost-writes';

describe('countLost', () => {
  it.each<[string, number, number, number]>([
    ['the first write', 0, 1, 0],
    ['the next value', 41, 42, 0],
    ['a gap (writes the client never saw acknowledged)', 41, 45, 0],
    ['the same value again: one acknowledged write vanished', 42, 42, 1],
    ['back to 96 after 100: 96..100 vanished', 100, 96, 5],
    ['back to 1 on a fresh master after 10', 10, 1, 10],
  ])('%s', (_name, highest, reply, lost) => {
    expect(countLost(highest, reply)).toBe(lost);
  });
});
