/**
 * The connection layer under every ioredis client vipctl makes (plugged in
 * by clientOptions, src/adapters/connection.ts, as ioredis's `Connector`):
 *
 * 1. Owner check, before a single byte is sent. Once the TCP connection (and
 *    TLS handshake) is up, the server's end of it is looked up in this
 *    network namespace's socket table (/proc/net/tcp{,6}). Found there, the
 *    server is on this host, and its accepted socket carries the uid of the
 *    listening socket's owner: unless that is root or the configured service
 *    user (`redis.serviceUser` / `sentinel.serviceUser`), the connection is
 *    closed with an error naming the owner, so neither AUTH nor HELLO (the
 *    password) nor any command goes out, and the caller never sees a reply
 *    (a squatter's ROLE=master cannot put the VIP on it). Checking the very
 *    connection, not the port beforehand, leaves no window between check and
 *    use. Not found: the server is on another host (nothing to check there),
 *    unless the address is one of this host's, when the connection is refused
 *    as well (the table should have had it).
 * 2. Reply size cap: every chunk goes through a ReplyGuard (core/resp-guard)
 *    before ioredis's parser sees it; a reply over the cap closes the
 *    connection, so a fake's endless bulk string costs at most the cap.
 *
 * The stream is handed to ioredis already connected (or destroyed, with
 * `firstError` set: ioredis then reports the error and retries by its
 * retryStrategy, as for a refused connection).
 */
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import tls from 'node:tls';
import { AbstractConnector } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { canonicalIp, ownerRefusal, serverEnd, type OwnerRule, type SocketEntry } from '../core/socket-table';
import { MAX_REPLY_BYTES, ReplyGuard } from '../core/resp-guard';
import { describeUid, readSocketTable } from './host';

/** The error's code when a local server's owner is refused (redis-role.ts stops polling on it). */
export const OWNER_REFUSED = 'EVIPCTL_OWNER';
export const REPLY_TOO_LARGE = 'EVIPCTL_REPLY_SIZE';
/** The owner could not be told (the connection closed at once, or the server's end vanished): no credentials, and retried as any failed connection. */
export const OWNER_UNKNOWN = 'EVIPCTL_OWNER_UNKNOWN';

export interface Guard {
  owner: OwnerRule;
  maxReplyBytes?: number;
  /** The socket table (tests: a doctored one); default: this namespace's /proc/net/tcp{,6}. */
  table?: () => SocketEntry[];
}

type Stream = net.Socket | tls.TLSSocket;

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Is `ip` an address of this host (its interfaces in this namespace, or loopback)? */
function isOwnAddress(ip: string): boolean {
  const c = canonicalIp(ip);
  if (c === null) return false;
  if (c.startsWith('127.') || c === '::1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => canonicalIp(a.address) === c));
}

/** Null when `stream`'s server may be talked to, else why not, and whether the owner was refused or could not be told. */
export function checkOwner(stream: Stream, rule: OwnerRule, table = readSocketTable): { why: string; code: string } | null {
  const serverIp = stream.remoteAddress;
  const serverPort = stream.remotePort;
  const clientIp = stream.localAddress;
  const clientPort = stream.localPort;
  if (serverIp === undefined || serverPort === undefined || clientIp === undefined || clientPort === undefined) return { why: 'the connection has no addresses (closed at once)', code: OWNER_UNKNOWN };
  // A server on another host has no socket in this host's table: nothing to
  // check, and no table to read (a read of /proc/net/tcp{,6} walks the
  // kernel's whole socket hash, ~10 ms of CPU here: at rest, two of the three
  // Sentinels a timer pass asks are elsewhere).
  if (!isOwnAddress(serverIp)) return null;
  const end = serverEnd(table(), { serverIp, serverPort, clientIp, clientPort });
  const at = `${serverIp.includes(':') ? `[${serverIp}]` : serverIp}:${serverPort}`;
  if (end === null) return { why: `${at} is an address of this host but its socket is not in /proc/net/tcp (closed meanwhile?): cannot tell who owns it; not sending credentials`, code: OWNER_UNKNOWN };
  const why = ownerRefusal(end.uid, rule, describeUid);
  return why === null ? null : { why: `${at}: ${why}; not sending credentials nor believing its answers (a squatter on the port of a stopped server?)`, code: OWNER_REFUSED };
}

export function guardedConnector(guard: Guard): NonNullable<RedisOptions['Connector']> {
  return class GuardedConnector extends AbstractConnector {
    private readonly options: RedisOptions & { host?: string; port?: number; family?: number };

    constructor(options: unknown) {
      const o = options as RedisOptions & { host?: string; port?: number; family?: number };
      super(o.disconnectTimeout ?? 2000);
      this.options = o;
    }

    connect(): Promise<Stream> {
      const o = this.options;
      this.connecting = true;
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) {
            reject(new Error('Connection is closed.'));
            return;
          }
          const target = { host: o.host ?? '127.0.0.1', port: o.port ?? 6379, ...(o.family ? { family: o.family } : {}) };
          let stream: Stream;
          try {
            stream = o.tls ? tls.connect({ ...target, ...o.tls }) : net.createConnection(target);
          } catch (e) {
            reject(e as Error);
            return;
          }
          this.stream = stream;
          let settled = false;
          const settle = (error?: Error): void => {
            if (settled) return;
            settled = true;
            stream.setTimeout(0);
            stream.removeListener('error', onError);
            stream.removeListener('close', onClose);
            if (error) {
              this.firstError = error;
              stream.destroy();
            } else {
              this.limit(stream);
            }
            resolve(stream);
          };
          const onError = (e: Error): void => settle(e);
          const onClose = (): void => settle(this.firstError ?? new Error('Connection is closed.'));
          stream.once('error', onError);
          stream.once('close', onClose);
          if (o.connectTimeout) {
            stream.setTimeout(o.connectTimeout, () => settle(codedError('connect ETIMEDOUT', 'ETIMEDOUT')));
          }
          stream.once(o.tls ? 'secureConnect' : 'connect', () => {
            const refused = checkOwner(stream, guard.owner, guard.table);
            settle(refused === null ? undefined : codedError(refused.why, refused.code));
          });
        });
      });
    }

    /**
     * Every 'data' listener ioredis adds (its parser, prepended) gets only
     * what the guard lets through; a reply over the cap destroys the stream
     * with an error instead.
     */
    private limit(stream: Stream): void {
      const g = new ReplyGuard(guard.maxReplyBytes ?? MAX_REPLY_BYTES);
      let refused = false;
      let checked: Buffer | null = null; // a chunk is counted once, however many listeners see it
      const wrap =
        (fn: (chunk: Buffer) => void) =>
        (chunk: Buffer): void => {
          if (refused) return;
          const why = chunk === checked ? null : g.write(chunk);
          checked = chunk;
          if (why === null) return fn(chunk);
          refused = true;
          stream.destroy(codedError(`${stream.remoteAddress}:${stream.remotePort}: ${why}`, REPLY_TOO_LARGE));
        };
      for (const method of ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const) {
        const original = stream[method].bind(stream) as (event: string | symbol, fn: (...args: unknown[]) => void) => Stream;
        (stream as unknown as Record<string, unknown>)[method] = (event: string | symbol, fn: (...args: unknown[]) => void) =>
          event === 'data' ? original(event, wrap(fn as (chunk: Buffer) => void) as (...args: unknown[]) => void) : original(event, fn);
      }
    }
  };
}
