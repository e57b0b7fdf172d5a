/**
 * `host:port` text, as vipctl writes it (joinHostPort) and as Sentinel's
 * addresses come: an IPv6 address in brackets (`[fd00::1]:6379`), an IPv4
 * address or a host name bare. Pure. Only the shape is checked: whether the
 * host is a valid IP or host name is the caller's rule (core/address
 * parseHostPort for a configured address, core/desired for a master's).
 */

export interface HostPort {
  host: string;
  port: number;
}

/** `[fd00::1]:6379`, `10.0.0.1:6379`, `redis-1:6379`: brackets whenever the host has a colon. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The host (without brackets) and port of `text`; null when it is not
 * `host:port` with a port 1-65535. An IPv6 host must be in brackets (an
 * unbracketed `fd00::1:6379` is ambiguous), and only an IPv6 host may be.
 */
export function splitHostPort(text: string): HostPort | null {
  const m = /^(?:\[([^[\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return null;
  if (m[1] !== undefined && !m[1].includes(':')) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2]!, port };
}
