import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/core/address';
import { VipctlError } from '../../src/core/errors';
import { logFailure } from '../../src/pass/failure';

function capture(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const logger = pino({ base: null, timestamp: false }, { write: (s: string) => void out.push(s) });
  return { logger, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const master = { name: 'mymaster', vip: parseCidr('10.0.0.100/24')! };

describe('logFailure', () => {
  it('logs one line with the action fields and returns the exit code of the error', () => {
    const { logger, lines } = capture();
    const e = new VipctlError('EXEC', 'ip addr add 10.0.0.100/24 dev eth0: exit 2: RTNETLINK answers: Operation not permitted', { interface: 'eth0' });
    expect(logFailure(logger, e, { master, startedAt: performance.now() })).toBe(1);
    const [line, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 50, event: 'error', code: 'EXEC', exitCode: 1, master: 'mymaster', vip: '10.0.0.100/24', interface: 'eth0', reason: e.message, msg: e.message });
    expect(line!.durationMs).toBeTypeOf('number');
  });

  it('a bad argument: exit 2, the key at fault, the master as given', () => {
    const { logger, lines } = capture();
    const e = new VipctlError('UNKNOWN_MASTER', 'unknown master "x"', { key: 'master' });
    expect(logFailure(logger, e, { master: 'x', startedAt: performance.now(), extra: { args: ['x'] } })).toBe(2);
    expect(lines()[0]).toMatchObject({ event: 'error', code: 'UNKNOWN_MASTER', exitCode: 2, key: 'master', master: 'x', args: ['x'] });
    expect(lines()[0]).not.toHaveProperty('vip');
  });

  it('a refusal is logged as such', () => {
    const { logger, lines } = capture();
    expect(logFailure(logger, new VipctlError('REFUSED', 'another host answers'), { master, startedAt: 0 })).toBe(1);
    expect(lines()[0]).toMatchObject({ event: 'refused', code: 'REFUSED' });
  });

  it('anything else is an internal error, exit 1 (worth a retry)', () => {
    const { logger, lines } = capture();
    expect(logFailure(logger, new TypeError('boom'), { startedAt: 0 })).toBe(1);
    expect(lines()[0]).toMatchObject({ event: 'error', code: 'INTERNAL', exitCode: 1, reason: 'boom' });
  });
});
