/** Flat [k1, v1, k2, v2, ...] reply (SENTINEL MASTER, SENTINEL REPLICAS' entries, CONFIG GET) as a map. Pure. */
export function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}
