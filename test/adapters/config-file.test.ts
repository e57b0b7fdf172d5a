import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, loadConfig } from '../../src/adapters/config-file';
import { thrownVipctlError } from '../support/errors';

const VALID = 'sentinel:\n  addresses: [10.0.0.11:26379]\nmasters:\n  mymaster:\n    vip: 10.0.0.100/24\n';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'vipctl-cfg-')), 'vipctl.yaml');
  writeFileSync(p, text);
  return p;
}

describe('configPath', () => {
  it('--config, else $VIPCTL_CONFIG, else /etc/vipctl/vipctl.yaml', () => {
    expect(configPath('/a.yaml', { VIPCTL_CONFIG: '/b.yaml' })).toBe('/a.yaml');
    expect(configPath(undefined, { VIPCTL_CONFIG: '/b.yaml' })).toBe('/b.yaml');
    expect(configPath(undefined, {})).toBe('/etc/vipctl/vipctl.yaml');
    expect(configPath(undefined, { VIPCTL_CONFIG: '' })).toBe('/etc/vipctl/vipctl.yaml');
  });
});

describe('loadConfig', () => {
  it('reads, parses and validates, applying environment overrides', () => {
    const c = loadConfig(file(VALID), { VIPCTL_SENTINEL_PASSWORD: 'pw' });
    expect(c.masters.get('mymaster')!.vip.text).toBe('10.0.0.100/24');
    expect(c.sentinel.password).toBe('pw');
  });

  it('a missing file is a CONFIG error naming the path', () => {
    const err = thrownVipctlError(() => loadConfig('/nonexistent/vipctl.yaml', {}), 'CONFIG', 2);
    expect(err.message).toBe('cannot read config /nonexistent/vipctl.yaml: ENOENT');
  });

  it('YAML that does not parse is a CONFIG error with the parser reason', () => {
    const p = file('sentinel:\n  addresses: [10.0.0.11:26379\n');
    const err = thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2);
    expect(err.message).toMatch(new RegExp(`^${p}: not valid YAML: `));
  });

  it('a key given twice is an error, not "the last one wins"', () => {
    const p = file(`${VALID}masters:\n  other:\n    vip: 10.0.0.101/24\n`);
    const err = thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2);
    expect(err.message).toMatch(/not valid YAML: .*unique/i);
  });

  it('validation problems name the file', () => {
    const p = file(VALID.replace('vip: 10.0.0.100/24', 'vip: 10.0.0.100'));
    const err = thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2);
    expect(err.message).toMatch(new RegExp(`^${p}: 1 problem\\(s\\): masters\\.mymaster\\.vip: must be an address in CIDR form`));
  });
});
