/**
 * The subscribed channels and the machine agree: every channel failover.ts
 * or events.ts acts on is subscribed (an unsubscribed one is never heard: an
 * ACL user granted WATCH_CHANNELS only gets those), and every subscribed one
 * is a channel Redis 7's Sentinel publishes about an instance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WATCH_CHANNELS } from '../../../src/core/watch/channels';
import { parseSentinelEvent } from '../../../src/core/watch/events';

const SRC = join(__dirname, '../../../src/core/watch');
/** The channel names the machine and the parser test for, as written in their source: 'exact' literals and startsWith('prefix'). */
function actedOn(file: string): { exact: string[]; prefixes: string[] } {
  const code = readFileSync(join(SRC, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments name channels too
  const prefixes = [...code.matchAll(/startsWith\('([+-][a-z][a-z-]*)'\)/g)].map((m) => m[1]!);
  const exact = [...code.matchAll(/'([+-][a-z][a-z-]*)'/g)].map((m) => m[1]!).filter((c) => !prefixes.includes(c));
  return { exact: [...new Set(exact)], prefixes };
}

/**
 * What Redis 7's sentinel.c publishes with an instance ("%@": `master <name>
 * <ip> <port>` or a replica's `... @ <master>`), plus +switch-master (its own
 * five words). +new-epoch is not among them: its message is the epoch alone.
 */
const SENTINEL_PUBLISHES = new Set([
  '+reset-master', '+slave', '+sdown', '-sdown', '+odown', '-odown', '+try-failover', '+elected-leader', '+vote-for-leader',
  '+failover-state-select-slave', '+selected-slave', '+failover-state-send-slaveof-noone', '+failover-state-wait-promotion', '+promoted-slave',
  '+failover-state-reconf-slaves', '+slave-reconf-sent', '+slave-reconf-inprog', '+slave-reconf-done', '+failover-end', '+failover-end-for-timeout',
  '+switch-master', '-failover-abort-not-elected', '-failover-abort-no-good-slave', '-failover-abort-slave-timeout', '+convert-to-slave', '+fix-slave-config',
  '+tilt', '-tilt', '+monitor', '-monitor', '+reboot', '-dup-sentinel', '+sentinel', '+config-update-from',
]);

describe('WATCH_CHANNELS and the machine', () => {
  for (const file of ['failover.ts', 'events.ts']) {
    it(`every channel ${file} acts on is subscribed`, () => {
      const { exact, prefixes } = actedOn(file);
      expect(exact.filter((c) => !(WATCH_CHANNELS as readonly string[]).includes(c))).toEqual([]);
      for (const p of prefixes) expect(WATCH_CHANNELS.filter((c) => c.startsWith(p)), `channels starting with ${p}`).not.toEqual([]);
    });
  }

  it('the machine acts on something (the scan is not reading nothing)', () => {
    expect(actedOn('failover.ts').exact.length).toBeGreaterThan(8);
    expect(actedOn('failover.ts').prefixes).toEqual(['-failover-abort']);
  });

  it('every subscribed channel is one Sentinel publishes; every -failover-abort-* it publishes is subscribed', () => {
    expect(WATCH_CHANNELS.filter((c) => !SENTINEL_PUBLISHES.has(c))).toEqual([]);
    expect([...SENTINEL_PUBLISHES].filter((c) => c.startsWith('-failover-abort')).filter((c) => !(WATCH_CHANNELS as readonly string[]).includes(c))).toEqual([]);
  });

  it('+new-epoch could not be acted on anyway: its message names no instance', () => {
    expect(parseSentinelEvent('+new-epoch', '7')).toBeNull();
  });
});
