/**
 * Why a connection to Sentinel or Redis failed, in words an operator can act
 * on. Pure. ioredis reports a TLS failure as an 'error' event and then
 * rejects the command with "Connection is closed."; the event's error (its
 * `code`) says why, so that one is described. Every TLS line reads
 * `TLS: <what went wrong>; <the fix>` (doctor splits it there).
 */

/** OpenSSL verification codes Node reports when the peer's certificate is not trusted. */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export interface ConnectionFailure {
  message: string;
  code?: string;
}

/**
 * One line for a failed connection. `side` names the config section
 * (`sentinel` or `redis`) so the line can point at the key to fix.
 */
export function describeConnectionError(e: ConnectionFailure, side: 'sentinel' | 'redis', tls: boolean): string {
  const code = e.code ?? '';
  if (UNTRUSTED.has(code)) return `TLS: the server's certificate was not trusted (${code}: ${e.message}); set ${side}.tls.ca to the CA that signed it`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `TLS: the server's certificate is not valid now (${code}: ${e.message}); renew it, or fix this host's clock`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: the server's certificate does not name the address connected to (${e.message}); set ${side}.tls.serverName to a name it holds, or add the address to its subjectAltName`;
  if (/certificate required|alert number 116|tlsv13 alert certificate required|handshake failure/i.test(e.message)) return `TLS: the server refused the handshake (${e.message}); it may want a client certificate: set ${side}.tls.cert and ${side}.tls.key`;
  if (/wrong version number|packet length too long|unknown protocol/i.test(e.message)) return `TLS: the server does not speak TLS on that port (${e.message}); remove ${side}.tls or use its tls-port`;
  if (!tls && /^(ECONNRESET|EPIPE)$/.test(code)) return `${e.message}: the connection was dropped before any answer; if the server wants TLS, set ${side}.tls`;
  return e.message;
}
