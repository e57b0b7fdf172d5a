import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeOf, isTransientErrno, VipctlError, type ErrorCode } from '../../src/core/errors';

describe('exitCodeOf', () => {
  it.each<[ErrorCode, 1 | 2]>([
    ['USAGE', 2],
    ['CONFIG', 2],
    ['UNKNOWN_MASTER', 2],
    ['REFUSED', 1],
    ['LOCK_TIMEOUT', 1],
    ['EXEC', 1],
    ['SENTINEL', 1],
    ['RESOLVE', 1],
    ['LAB', 1],
    ['UNSAFE', 2],
    ['IO', 1],
  ])('VipctlError %s -> %i', (code, exit) => {
    const err = new VipctlError(code, 'boom');
    expect(err.exitCode).toBe(exit);
    expect(exitCodeOf(err)).toBe(exit);
  });

  it('the table above lists every code', () => {
    expect(Object.keys(EXIT_CODES).sort()).toEqual(['CONFIG', 'EXEC', 'IO', 'LAB', 'LOCK_TIMEOUT', 'REFUSED', 'RESOLVE', 'SENTINEL', 'UNKNOWN_MASTER', 'UNSAFE', 'USAGE']);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('boom')],
    ['an error that only looks like ours', Object.assign(new Error('boom'), { exitCode: 2, code: 'USAGE' })],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
  ])('%s -> 1 (transient)', (_name, thrown) => {
    expect(exitCodeOf(thrown)).toBe(1);
  });
});

describe('VipctlError', () => {
  it('is an Error carrying code, message, details and cause', () => {
    const cause = new Error('inner');
    const err = new VipctlError('CONFIG', 'bad key', { key: 'masters.x.vip', problems: ['a', 'b'] }, { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('VipctlError');
    expect(err.message).toBe('bad key');
    expect(err.code).toBe('CONFIG');
    expect(err.details).toEqual({ key: 'masters.x.vip', problems: ['a', 'b'] });
    expect(err.cause).toBe(cause);
  });

  it('defaults details to an empty object', () => {
    expect(new VipctlError('EXEC', 'x').details).toEqual({});
  });
});

describe('isTransientErrno', () => {
  it.each(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EIO', 'ENOMEM', 'EAGAIN', 'EROFS', 'EBUSY', 'ENOLCK'])('%s may pass: exit 1', (code) => {
    expect(isTransientErrno(code)).toBe(true);
  });
  it.each(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'EACCES', 'EPERM'])('%s is the path or its permissions: not transient', (code) => {
    expect(isTransientErrno(code)).toBe(false);
  });
  it.each([undefined, '', 'ERR_INVALID_ARG_TYPE', 'enospc'])('%s is no errno', (code) => {
    expect(isTransientErrno(code)).toBe(false);
  });
});
