import { describe, expect, it } from 'vitest';
import { summaryLine } from '../../src/commands/reconcile';

describe("reconcile's line for the operator", () => {
  const m = { master: 'mymaster', vip: '10.0.0.100/24', action: 'bind', is: 'unbound', mustBe: 'bound on eth1', reason: 'master 10.0.0.11:6379 is this host (3/3 sentinels agree); master is on this host' };
  it('says what it did, from what to what, and why', () => {
    expect(summaryLine(m, false)).toBe('mymaster 10.0.0.100/24: bind (is unbound, must be bound on eth1): master 10.0.0.11:6379 is this host (3/3 sentinels agree); master is on this host');
  });
  it('--dry-run says what it would do; nothing to do and failures read the same either way', () => {
    expect(summaryLine(m, true)).toMatch(/^mymaster 10\.0\.0\.100\/24: would bind /);
    expect(summaryLine({ ...m, action: 'noop' }, true)).toMatch(/: noop \(/);
    expect(summaryLine({ ...m, action: 'failed', is: '?', mustBe: '?', reason: 'lock: busy' }, true)).toBe('mymaster 10.0.0.100/24: failed (is ?, must be ?): lock: busy');
  });
});
