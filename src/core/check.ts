/** `vipctl check`'s verdict, pure: null when the master is here (exit 0, quiet), else the one line saying why not (exit 1). */
import type { Want } from './desired';
import type { SentinelView } from './sentinel-view';

export function checkLine(master: string, want: Want, view: SentinelView): string | null {
  if (want.desired === 'here') return null;
  const votes = `${view.agreeing}/${view.total} Sentinels agree`;
  const failed = view.answers.filter((a) => a.error).map((a) => `${a.sentinel}: ${a.error}`);
  const why = view.master === null ? `no strict majority of the Sentinels names a master (${votes})` : `${want.reason} (${votes})`;
  return `vipctl check: ${master} is not here: ${why}${failed.length > 0 ? `; ${failed.join('; ')}` : ''}`;
}
