import { describe, expect, it } from 'vitest';
import { parseLiveLog, parseLogLines } from '../../src/adapters/log-lines';

describe('parseLogLines', () => {
  it('one record per non-empty line', () => {
    expect(parseLogLines('{"event":"bind"}\n\n{"event":"announce","pid":7}\n')).toEqual([{ event: 'bind' }, { event: 'announce', pid: 7 }]);
  });

  it('a line that is not JSON is an error, not skipped', () => {
    expect(() => parseLogLines('{"event":"bind"}\nnot json\n')).toThrow(SyntaxError);
  });

  it("a finished command's output without its last newline (run() strips it) keeps its last line", () => {
    expect(parseLogLines('{"event":"bind"}\n{"event":"plan"}')).toEqual([{ event: 'bind' }, { event: 'plan' }]);
  });
});

describe('parseLiveLog', () => {
  it('a last line without its newline is being written: left for the next read (a watcher appending while a test reads)', () => {
    expect(parseLiveLog('{"event":"bind"}\n{"event":"unb')).toEqual([{ event: 'bind' }]);
    expect(parseLiveLog('{"event":"bi')).toEqual([]);
    expect(parseLiveLog('{"event":"bind"}\n')).toEqual([{ event: 'bind' }]);
    expect(() => parseLiveLog('not json\n')).toThrow(SyntaxError);
  });
});
