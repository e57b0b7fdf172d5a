/**
 * The one place that turns the config into ioredis connection options:
 * credentials and TLS, for Sentinel (`sentinel.*`) or for the data Redis
 * (`redis.*`). Every client vipctl makes (Sentinel queries, the watcher's
 * subscriptions and ROLE poller, status and doctor) starts from these.
 *
 * TLS files are read when a command first connects, not when the config is
 * loaded: the hook never connects, so a certificate problem can never stop a
 * failover's hook. Commands that connect call loadTls() right after loading
 * the config, so a missing or unreadable file is a CONFIG error (exit 2)
 * naming the key; SIGHUP's reload calls it again (fresh files).
 */
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import type { Config, ConnectionConfig, TlsConfig } from '../core/config';
import { VipctlError } from '../core/errors';
import { guardedConnector } from './guarded-connector';
import { uidOf } from './host';

export type Side = 'sentinel' | 'redis';

const FILE_KEYS = ['ca', 'cert', 'key'] as const;

/** Contents of the TLS files read so far, by path. */
const files = new Map<string, Buffer>();

function readPem(path: string, key: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new VipctlError('CONFIG', `${key}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { key, path });
  }
  if (!data.includes('-----BEGIN ')) throw new VipctlError('CONFIG', `${key}: ${path} is not a PEM file (no "-----BEGIN" line)`, { key, path });
  return data;
}

function sideOf(config: Config, side: Side): ConnectionConfig {
  return side === 'sentinel' ? config.sentinel : config.redis;
}

/** Read (again) every TLS file the config names; throws a CONFIG error naming the first key whose file is missing, unreadable or not PEM. */
export function loadTls(config: Config): void {
  for (const side of ['sentinel', 'redis'] as const) {
    const tls = sideOf(config, side).tls;
    if (!tls) continue;
    for (const k of FILE_KEYS) {
      const path = tls[k];
      if (path !== undefined) files.set(path, readPem(path, `${side}.tls.${k}`));
    }
  }
}

function file(path: string, key: string): Buffer {
  let data = files.get(path);
  if (data === undefined) {
    data = readPem(path, key);
    files.set(path, data);
  }
  return data;
}

/** Node's tls.connect options for one side's `tls` section. */
function tlsOptions(side: Side, tls: TlsConfig, name: string | undefined): NonNullable<RedisOptions['tls']> {
  return {
    ...(tls.ca ? { ca: file(tls.ca, `${side}.tls.ca`) } : {}),
    ...(tls.cert ? { cert: file(tls.cert, `${side}.tls.cert`) } : {}),
    ...(tls.key ? { key: file(tls.key, `${side}.tls.key`) } : {}),
    // checked against the certificate instead of the address connected to (and sent as SNI);
    // else the host name the address was resolved from, when there is one
    ...(tls.serverName ? { servername: tls.serverName } : name ? { servername: name } : {}),
    rejectUnauthorized: true,
  };
}

/**
 * Options for one connection to `at` on `side`: address, credentials, TLS,
 * and no extra round trips (no INFO ready check, no CLIENT SETINFO: a
 * least-privilege ACL user may run neither). Callers add their timeouts and
 * retry strategy. `at.name`: the host name `at.host` was resolved from (the
 * certificate is checked against it unless `tls.serverName` says otherwise).
 * Every connection goes through the guarded connector: a server on this host
 * must listen as root or as `<side>.serviceUser` to be sent anything, and
 * each reply is capped in size (src/adapters/guarded-connector.ts).
 */
export function clientOptions(config: Config, side: Side, at: { host: string; port: number; name?: string }): RedisOptions {
  const c = sideOf(config, side);
  return {
    host: at.host,
    port: at.port,
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
    ...(c.tls ? { tls: tlsOptions(side, c.tls, at.name) } : {}),
    lazyConnect: true,
    enableReadyCheck: false,
    disableClientInfo: true,
    Connector: guardedConnector({ owner: ownerRule(config, side) }),
  };
}

/** Who may own a server's socket on this host for `side` (root always may). */
export function ownerRule(config: Config, side: Side): { key: string; user: string; uid: number | null } {
  const user = sideOf(config, side).serviceUser ?? 'redis';
  return { key: `${side}.serviceUser`, user, uid: uidOf(user) };
}
