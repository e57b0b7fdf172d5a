import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_MS, LogSink, logWriteErrors, NOTICE_MS, openLogFile, RETRY_MS } from '../../src/adapters/log-sink';
import { createLogger } from '../../src/adapters/log';
import { parseLogLines } from '../../src/adapters/log-lines';

let dir: string;
let clock: number;
let stderrPath: string;
let stderrFd: number;
const fds: number[] = [];
const now = (): number => clock;
const stderrLines = () => parseLogLines(readFileSync(stderrPath, 'utf8'));
const line = (msg: string): string => `${JSON.stringify({ level: 'info', msg })}\n`;
/** /dev/full: every write fails with ENOSPC, as on a full log filesystem. */
const full = (): number => {
  const fd = openSync('/dev/full', 'w');
  fds.push(fd);
  return fd;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vipctl-sink-'));
  clock = 1_000_000;
  stderrPath = join(dir, 'stderr');
  stderrFd = openSync(stderrPath, 'a');
});
afterEach(() => {
  closeSync(stderrFd);
  for (const fd of fds.splice(0)) {
    try {
      closeSync(fd);
    } catch {
      /* closed by the sink */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('LogSink: a failing log file never stops the caller', () => {
  it('ENOSPC: no throw, every line on stderr, counted, said once a minute, the file retried later', () => {
    let opens = 0;
    const before = logWriteErrors();
    const sink = new LogSink({ file: '/var/log/vipctl/x.log', stderrFd, now, bindings: { cmd: 'hook' }, openFile: () => (opens++, full()) });
    expect(sink.openError).toBeUndefined();
    expect(() => sink.write(line('one'))).not.toThrow();
    sink.write(line('two')); // within RETRY_MS: the file is not tried
    expect(opens).toBe(1);
    expect(sink.errors).toBe(1);
    clock += RETRY_MS;
    sink.write(line('three')); // tried again, fails again: counted, not said again
    expect(opens).toBe(2);
    expect(sink.errors).toBe(2);
    const lines = stderrLines();
    expect(lines.filter((l) => l.msg !== undefined && ['one', 'two', 'three'].includes(String(l.msg))).map((l) => l.msg)).toEqual(['one', 'two', 'three']);
    const notices = lines.filter((l) => l.event === 'log-write-error');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ level: 'warn', cmd: 'hook', target: 'file', error: 'ENOSPC', failedWrites: 1, path: '/var/log/vipctl/x.log' });
    clock += NOTICE_MS;
    sink.write(line('four'));
    const again = stderrLines().filter((l) => l.event === 'log-write-error');
    expect(again).toHaveLength(2);
    expect(again[1]).toMatchObject({ failedWrites: 2 }); // the one unsaid since the last notice, and this one
    expect(logWriteErrors() - before).toBe(3);
  });

  it('the file back: lines go to it again, with a log-file-recovered line', () => {
    const file = join(dir, 'log', 'vipctl.log');
    let broken = true;
    const sink = new LogSink({ file, stderrFd, now, openFile: (p) => (broken ? full() : openLogFile(p)) });
    sink.write(line('lost'));
    broken = false;
    clock += RETRY_MS;
    sink.write(line('kept'));
    const inFile = parseLogLines(readFileSync(file, 'utf8'));
    expect(inFile.map((l) => l.event ?? l.msg)).toEqual(['kept', 'log-file-recovered']);
    expect(sink.fileOpen).toBe(true);
  });

  it('a log path that becomes a directory while running: noticed, counted, lines on stderr', () => {
    const file = join(dir, 'vipctl.log');
    const sink = new LogSink({ file, stderrFd, now });
    sink.write(line('first'));
    rmSync(file);
    mkdirSync(file);
    clock += CHECK_MS;
    expect(() => sink.write(line('second'))).not.toThrow();
    expect(sink.errors).toBe(1);
    expect(stderrLines().find((l) => l.event === 'log-write-error')).toMatchObject({ target: 'file', error: 'EISDIR' });
    expect(stderrLines().some((l) => l.msg === 'second')).toBe(true);
  });

  it('a removed (rotated) file is opened again under its name, nothing lost', () => {
    const file = join(dir, 'vipctl.log');
    const sink = new LogSink({ file, stderrFd, now });
    sink.write(line('before'));
    rmSync(file);
    clock += CHECK_MS;
    sink.write(line('after'));
    expect(parseLogLines(readFileSync(file, 'utf8')).map((l) => l.msg)).toEqual(['after']);
    expect(sink.errors).toBe(0);
  });

  it('a file that cannot be opened at start: openError says so; the lines go to stderr; retried', () => {
    const file = join(dir, 'vipctl.log');
    mkdirSync(file);
    const sink = new LogSink({ file, stderrFd, now });
    expect(sink.openError).toMatch(/vipctl\.log: cannot be opened \(EISDIR\).*retrying/);
    sink.write(line('x'));
    expect(stderrLines().map((l) => l.msg)).toEqual(['x']);
    rmSync(file, { recursive: true });
    clock += RETRY_MS;
    sink.write(line('y'));
    expect(parseLogLines(readFileSync(file, 'utf8')).map((l) => l.event ?? l.msg)).toEqual(['y', 'log-file-recovered']);
  });

  it('stderr failing (EBADF: a closed or unwritable stderr): no throw; the file gets the lines and the notice', () => {
    const file = join(dir, 'vipctl.log');
    writeFileSync(join(dir, 'ro'), '');
    const bad = openSync(join(dir, 'ro'), 'r');
    fds.push(bad);
    const sink = new LogSink({ file, stderrFd: bad, now });
    expect(() => sink.write(line('a'))).not.toThrow();
    sink.write(line('b'));
    const inFile = parseLogLines(readFileSync(file, 'utf8'));
    expect(inFile.map((l) => l.msg).filter((m) => m === 'a' || m === 'b')).toEqual(['a', 'b']);
    expect(inFile.find((l) => l.event === 'log-write-error')).toMatchObject({ target: 'stderr', error: 'EBADF' });
    expect(sink.errors).toBe(2);
  });

  it('a partly written line is never glued to the next one', () => {
    const file = join(dir, 'vipctl.log');
    const real = openLogFile(file);
    const sink = new LogSink({ file, stderrFd, now, openFile: () => real });
    sink.write(line('whole'));
    // what ENOSPC in the middle of a line leaves: part of it in the file
    writeFileSync(file, '{"level":"info","msg":"ha', { flag: 'a' });
    (sink as unknown as { partial: boolean }).partial = true;
    sink.write(line('next'));
    const text = readFileSync(file, 'utf8').split('\n');
    expect(text).toContain('{"level":"info","msg":"ha');
    expect(text).toContain(JSON.stringify({ level: 'info', msg: 'next' }));
  });

  it('close(): the file is closed (no fd kept), later lines on stderr only', () => {
    const file = join(dir, 'vipctl.log');
    const sink = new LogSink({ file, stderrFd, now });
    sink.write(line('open'));
    sink.close();
    expect(sink.fileOpen).toBe(false);
    sink.write(line('late'));
    expect(parseLogLines(readFileSync(file, 'utf8')).map((l) => l.msg)).toEqual(['open']);
    expect(stderrLines().map((l) => l.msg)).toEqual(['open', 'late']);
  });
});

describe('createLogger over the sink', () => {
  it('an unusable log path: a log-file-error warning, and logging goes on without throwing', () => {
    const file = join(dir, 'vipctl.log');
    mkdirSync(file);
    const { logger, fileError, sink } = createLogger({ file, level: 'info', stderr: false });
    expect(fileError).toMatch(/cannot open log file/);
    expect(() => logger.info({ event: 'bind' }, 'bind 198.18.0.100')).not.toThrow();
    sink.close();
  });
});
