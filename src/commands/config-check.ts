/**
 * `vipctl config check [--config PATH]`: the config file checked offline, as
 * `nginx -t` checks nginx's: its ownership and modes, its YAML, every key,
 * the TLS files it names, and each master's interface and VIP subnet on this
 * host. No Sentinel, no Redis, no network, no log file. Exit 0 when usable
 * (warnings printed), 2 with every problem and its key otherwise.
 */
import { judgeInterfaces } from '../core/doctor';
import { VipctlError } from '../core/errors';
import { configProblems } from '../core/config-check';
import { configPath, loadConfigFile } from '../adapters/config-file';
import { loadTls } from '../adapters/connection';
import { readLinks } from '../adapters/ip';

export async function configCheckCommand(explicit: string | undefined): Promise<number> {
  const path = configPath(explicit);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const { config, warnings } = loadConfigFile(explicit);
    loadTls(config);
    const links = await readLinks();
    const failed = judgeInterfaces(config.masters.values(), links).filter((r) => r.status !== 'pass');
    for (const w of warnings) say(`warning: ${w}`);
    for (const f of failed) say(`problem: ${f.check}: ${f.detail} (fix: ${f.fix})`);
    if (failed.length > 0) {
      say(`config ${path}: ${failed.length} problem(s) on this host`);
      return 2;
    }
    say(`config ${path}: ok (${config.masters.size} master(s): ${[...config.masters.values()].map((m) => `${m.name} ${m.vip.text}`).join(', ')}; ${config.sentinel.addresses.length} Sentinel(s))`);
    return 0;
  } catch (e) {
    if (!(e instanceof VipctlError) || e.exitCode !== 2) throw e;
    const problems = configProblems(e);
    for (const p of problems) say(`problem: ${p}`);
    say(`config ${path}: ${problems.length} problem(s)`);
    return 2;
  }
}
