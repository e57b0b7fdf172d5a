/**
 * Host names Sentinel gives (`announce-hostnames yes`), resolved with the
 * system's resolver (`/etc/hosts`, DNS: getaddrinfo through node:dns lookup,
 * every address) under a deadline. A name that fails or is late is null:
 * "unknown", never a guess. Loaded only when a name has to be resolved.
 */
import { lookup } from 'node:dns/promises';
import { normalizeIp } from '../core/address';

export async function resolveName(name: string, timeoutMs: number): Promise<string[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), timeoutMs);
  });
  try {
    return await Promise.race([
      lookup(name, { all: true, verbatim: true }).then(
        (as) => (as.length > 0 ? [...new Set(as.map((a) => normalizeIp(a.address)))] : null),
        () => null,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every name at once; the map holds each one's addresses, or null. */
export async function resolveNames(names: Iterable<string>, timeoutMs: number): Promise<Map<string, string[] | null>> {
  const unique = [...new Set(names)];
  const results = await Promise.all(unique.map((n) => resolveName(n, timeoutMs)));
  return new Map(unique.map((n, i) => [n, results[i]!]));
}
