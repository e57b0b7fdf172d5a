/** `vipctl config check`: every problem a config error carries, one line each (its key first; YAML's own errors say so), pure. */
import type { VipctlError } from './errors';

export function configProblems(e: VipctlError): string[] {
  const listed = (e.details as { problems?: unknown }).problems;
  if (!Array.isArray(listed) || listed.length === 0 || !listed.every((p) => typeof p === 'string')) return [e.message];
  const prefix = / not valid YAML: /.test(e.message) ? 'not valid YAML: ' : '';
  return (listed as string[]).map((p) => `${prefix}${p}`);
}
