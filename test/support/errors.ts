import { expect } from 'vitest';
import { VipctlError, type ErrorCode } from '../../src/core/errors';

/** Run fn, expect it to throw a VipctlError with this code (and its exit code), and return it. */
export function thrownVipctlError(fn: () => unknown, code: ErrorCode, exitCode: 1 | 2): VipctlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VipctlError);
    const err = e as VipctlError;
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(exitCode);
    return err;
  }
  throw new Error(`expected a ${code} error, but nothing was thrown`);
}
