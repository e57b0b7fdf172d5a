// The shipped example config must stay valid, and name every key the schema knows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../src/core/config';

describe('vipctl.yaml.example', () => {
  const text = readFileSync(new URL('../vipctl.yaml.example', import.meta.url), 'utf8');

  it('is a valid config', () => {
    const c = validateConfig(parse(text));
    expect(c.masters.get('mymaster')!.vip.text).toBe('10.0.0.100/24');
    expect(c.sentinel.addresses).toHaveLength(3);
  });

  it('documents every key, commented or not', () => {
    for (const key of ['addresses', 'password', 'username', 'vip', 'interface', 'count', 'intervalSeconds', 'mode', 'file', 'level', 'runDir', 'lockTimeoutMs', 'intervalMs', 'fenceAfterMs', 'listen']) {
      expect(text).toMatch(new RegExp(`^\\s*#?\\s*${key}:`, 'm'));
    }
  });
});

describe('sentinel.conf.example', () => {
  it('points client-reconfig-script at bin/vipctl', () => {
    const text = readFileSync(new URL('../sentinel.conf.example', import.meta.url), 'utf8');
    expect(text).toMatch(/^sentinel client-reconfig-script mymaster \S+\/bin\/vipctl$/m);
  });
});
