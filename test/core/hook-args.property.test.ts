/**
 * The hook's argument parser, for any arguments whatever (any count, any code points, lone
 * surrogates, control bytes, near-valid ones): either the seven arguments Sentinel sends, parsed,
 * or a VipctlError with exit 2 (USAGE: Sentinel must not retry). Never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPort } from '../../src/core/address';
import { VipctlError } from '../../src/core/errors';
import { parseHookArgs, type HookArgs } from '../../src/core/hook-args';

function parsedOrExit2(args: string[]): HookArgs | null {
  try {
    return parseHookArgs(args);
  } catch (e) {
    if (!(e instanceof VipctlError)) throw new Error(`threw ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e)}`);
    expect(e.exitCode).toBe(2);
    // one short line whatever the arguments hold (it goes to Sentinel's log)
    expect(e.message).not.toMatch(/[\n\r]/);
    return null;
  }
}

const VALID = ['mymaster', 'leader', 'start', '10.0.0.1', '6379', '10.0.0.2', '6379'];
const anyArg = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string(), fc.constantFrom('', ' ', '0', '65535', '65536', '-1', '1e3', '0x10', '::', '::1', '127.0.0.1', '0.0.0.0', '255.255.255.255', 'fe80::1%eth0', 'localhost', 'a.localhost.', 'redis-1.example', '\u0000', 'leader\n', 'start ', 'observer'));

describe('hook arguments (property-based)', () => {
  it('any arguments: parsed, or a VipctlError with exit 2', () => {
    fc.assert(fc.property(fc.array(anyArg, { maxLength: 10 }), (args) => void parsedOrExit2(args)), { numRuns: 2000 });
  });

  it("Sentinel's seven with any one replaced: parsed into well-formed fields, or exit 2", () => {
    fc.assert(
      fc.property(fc.nat(6), anyArg, (i, arg) => {
        const args = [...VALID];
        args[i] = arg;
        const r = parsedOrExit2(args);
        if (r === null) return;
        expect(['leader', 'observer']).toContain(r.role);
        expect(isPort(String(r.fromPort)) && isPort(String(r.toPort))).toBe(true);
        expect(r.master).toMatch(/^[^\s\x00-\x1f\x7f]{1,128}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('the valid seven parse', () => {
    expect(parsedOrExit2(VALID)).toMatchObject({ master: 'mymaster', toIp: '10.0.0.2', toPort: 6379, toIsName: false });
  });
});
