/**
 * `vipctl __notify <spec>` (hidden): the detached supervisor of one notify
 * command, started by a pass that changed the VIP (src/adapters/notify.ts).
 */
import { VipctlError } from '../core/errors';
import { parseSpec, superviseNotify } from '../adapters/notify';

export async function notifyCommand(text: string): Promise<number> {
  const spec = parseSpec(text);
  if (!spec) throw new VipctlError('USAGE', '__notify: not a notify spec (this command is started by vipctl itself)');
  return superviseNotify(spec);
}
