/** deploy/vipctl-watch.service runs the watcher with the V8 options the lab and the benchmarks use. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../../src/core/watch/node-options';

const UNIT = readFileSync(new URL('../../deploy/vipctl-watch.service', import.meta.url), 'utf8');
const lines = UNIT.split('\n').filter((l) => !l.startsWith('#'));

describe('deploy/vipctl-watch.service', () => {
  it('sets NODE_OPTIONS to the watcher\'s V8 options, once', () => {
    expect(lines.filter((l) => l.startsWith('Environment=NODE_OPTIONS='))).toEqual([`Environment=NODE_OPTIONS=${WATCH_NODE_OPTIONS}`]);
  });
  it('the options are ones Node accepts in NODE_OPTIONS', () => {
    expect(WATCH_NODE_OPTIONS.split(' ').every((o) => process.allowedNodeEnvironmentFlags.has(o.split('=')[0]!))).toBe(true);
  });
  it('runs vipctl watch under node with the watcher\'s V8 flags, once', () => {
    expect(lines.filter((l) => l.startsWith('ExecStart='))).toEqual([`ExecStart=/usr/bin/env node ${WATCH_NODE_FLAGS.join(' ')} /opt/vipctl/bin/vipctl watch`]);
  });
  it('the flags are ones node starts with (an unknown one makes it refuse to start)', () => {
    expect(WATCH_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(spawnSync(process.execPath, [...WATCH_NODE_FLAGS, '-e', '0']).status).toBe(0);
    expect(spawnSync(process.execPath, ['--no-such-v8-flag-here', '-e', '0']).status).not.toBe(0);
  });
});
