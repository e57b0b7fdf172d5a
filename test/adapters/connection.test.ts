import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { clientOptions, loadTls } from '../../src/adapters/connection';
import { validateConfig } from '../../src/core/config';
import { thrownVipctlError } from '../support/errors';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function config(sentinel: Record<string, unknown>, redis: Record<string, unknown> = {}) {
  return validateConfig({ sentinel: { addresses: ['10.0.0.11:26379'], ...sentinel }, masters: { m: { vip: '10.0.0.100/24' } }, redis });
}

it('one place for credentials and TLS: each side gets its own, and never an INFO ready check or CLIENT SETINFO', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-conn-'));
  for (const f of ['ca.pem', 'c.pem', 'k.pem', 'rca.pem']) writeFileSync(join(dir, f), `${PEM}${f}\n`);
  const c = config(
    { username: 'vipctl', password: 'sp', tls: { ca: join(dir, 'ca.pem'), cert: join(dir, 'c.pem'), key: join(dir, 'k.pem'), serverName: 'sentinel.lab' } },
    { password: 'rp', tls: { ca: join(dir, 'rca.pem') } },
  );
  loadTls(c);
  const s = clientOptions(c, 'sentinel', { host: '10.0.0.11', port: 26379 });
  expect(s).toMatchObject({ host: '10.0.0.11', port: 26379, username: 'vipctl', password: 'sp', enableReadyCheck: false, disableClientInfo: true, lazyConnect: true });
  expect(String(s.tls!.ca)).toContain('ca.pem');
  expect(String(s.tls!.cert)).toContain('c.pem');
  expect(String(s.tls!.key)).toContain('k.pem');
  expect(s.tls).toMatchObject({ servername: 'sentinel.lab', rejectUnauthorized: true });
  const r = clientOptions(c, 'redis', { host: '10.0.0.12', port: 6379 });
  expect(r).toMatchObject({ host: '10.0.0.12', port: 6379, password: 'rp' });
  expect(r.username).toBeUndefined();
  expect(String(r.tls!.ca)).toContain('rca.pem');
  expect(r.tls!.cert).toBeUndefined();
  expect(clientOptions(config({}), 'sentinel', { host: '10.0.0.11', port: 26379 }).tls).toBeUndefined();
  // an address resolved from a host name: the certificate is checked against the name, unless serverName says otherwise
  expect(r.tls).not.toHaveProperty('servername');
  expect(clientOptions(c, 'redis', { host: '10.0.0.12', port: 6379, name: 'n2.example' })).toMatchObject({ host: '10.0.0.12', tls: { servername: 'n2.example' } });
  expect(clientOptions(c, 'sentinel', { host: '10.0.0.11', port: 26379, name: 'n1.example' }).tls).toMatchObject({ servername: 'sentinel.lab' });
  expect(clientOptions(config({}), 'redis', { host: '10.0.0.12', port: 6379, name: 'n2.example' }).tls).toBeUndefined();
});

it('a missing or non-PEM file is a CONFIG error (exit 2) naming the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-conn-'));
  const missing = thrownVipctlError(() => loadTls(config({ tls: { ca: join(dir, 'nope.pem') } })), 'CONFIG', 2);
  expect(missing.message).toBe(`sentinel.tls.ca: cannot read ${join(dir, 'nope.pem')}: ENOENT`);
  expect(missing.details.key).toBe('sentinel.tls.ca');
  writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
  const junk = thrownVipctlError(() => loadTls(config({}, { tls: { cert: join(dir, 'c.pem'), key: join(dir, 'junk.pem') } })), 'CONFIG', 2);
  expect(junk.message).toBe(`redis.tls.cert: cannot read ${join(dir, 'c.pem')}: ENOENT`); // the first key whose file fails
  writeFileSync(join(dir, 'c.pem'), PEM);
  expect(thrownVipctlError(() => loadTls(config({}, { tls: { cert: join(dir, 'c.pem'), key: join(dir, 'junk.pem') } })), 'CONFIG', 2).message).toBe(`redis.tls.key: ${join(dir, 'junk.pem')} is not a PEM file (no "-----BEGIN" line)`);
});
