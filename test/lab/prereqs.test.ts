import { mkdtempSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aptCommand, missingTools } from '../../src/lab/prereqs';

function fakePath(commands: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-path-'));
  mkdirSync(join(dir, 'bin'));
  for (const c of commands) {
    writeFileSync(join(dir, 'bin', c), '#!/bin/sh\n');
    chmodSync(join(dir, 'bin', c), 0o755);
  }
  return join(dir, 'bin');
}

describe('lab prerequisites', () => {
  it('names the Debian packages of the missing commands', () => {
    const all = ['ip', 'arping', 'redis-server', 'redis-sentinel', 'redis-cli', 'openssl', 'ndptool', 'ndisc6'];
    expect(missingTools(fakePath(['ip', 'arping', 'openssl', 'ndptool', 'ndisc6']))).toEqual(['redis-server', 'redis-sentinel', 'redis-tools']);
    expect(missingTools(fakePath(all.filter((c) => c !== 'openssl')))).toEqual(['openssl']);
    expect(missingTools(fakePath(all.filter((c) => c !== 'ndptool' && c !== 'ndisc6')))).toEqual(['libndp-tools', 'ndisc6']);
    expect(missingTools(fakePath(all))).toEqual([]);
    expect(missingTools('')).toEqual(['iproute2', 'iputils-arping', 'redis-server', 'redis-sentinel', 'redis-tools', 'openssl', 'libndp-tools', 'ndisc6']);
  });

  it('installs without prompts or extras', () => {
    expect(aptCommand(['redis-server'])).toEqual(['apt-get', 'install', '-y', '--no-install-recommends', 'redis-server']);
  });
});
