import { describe, expect, it } from 'vitest';
import { formatTable, paint, useColour } from '../../src/core/table';

describe('formatTable', () => {
  it('pads columns to the widest cell, two spaces apart, no trailing blanks', () => {
    expect(formatTable(['A', 'BB', 'C'], [['xxx', 'y', 'z'], ['x', 'yyyy', '']])).toEqual(['A    BB    C', 'xxx  y     z', 'x    yyyy']);
  });
  it('measures width on plain text, so colour does not shift columns', () => {
    const plain = formatTable(['A', 'B'], [[{ text: 'ok', colour: 'green' }, 'x']]);
    const coloured = formatTable(['A', 'B'], [[{ text: 'ok', colour: 'green' }, 'x']], true);
    expect(coloured.map((l) => l.replace(/\x1b\[\d+m/g, ''))).toEqual(plain);
    expect(coloured[1]).toBe('\x1b[32mok\x1b[39m  x');
  });
});

describe('paint', () => {
  it.each<[boolean, string]>([
    [true, '\x1b[31mbad\x1b[39m'],
    [false, 'bad'],
  ])('enabled=%s', (enabled, out) => {
    expect(paint('bad', 'red', enabled)).toBe(out);
  });
});

describe('useColour: only on a TTY, never with NO_COLOR', () => {
  it.each<[boolean, Record<string, string | undefined>, boolean]>([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { NO_COLOR: '1' }, false],
  ])('tty=%s env=%j -> %s', (tty, env, expected) => {
    expect(useColour(tty, env)).toBe(expected);
  });
});
