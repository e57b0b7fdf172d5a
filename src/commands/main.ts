/** Every command but the hook fast path: parsed with commander, each loaded only when chosen. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VipctlError } from '../core/errors';
import { HOOK_USAGE } from '../core/hook-args';
import { FAILOVER_KINDS, LAB_MODES } from '../lab/topology';
import { checkLabId } from '../lab/state';
import { checkMasterCount } from '../lab/masters';
import { versionText } from '../core/version';
import { envHelpText } from '../core/env-help';

/** Every command's --help ends with an example. */
function example(c: Command, ...lines: string[]): Command {
  return c.addHelpText('after', `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/** How to get out of an error of each kind, appended to its one line. */
const HINT: Partial<Record<string, string>> = {
  CONFIG: 'fix the file, or name another with --config or $VIPCTL_CONFIG',
  USAGE: 'see vipctl <command> --help',
};

/** One line for an error: what, and how to fix it; the stack only with --debug. */
export function reportError(e: unknown, debug: boolean): void {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  const hint = e instanceof VipctlError ? HINT[e.code] : 'an unexpected error: run again with --debug for the stack, and report it';
  process.stderr.write(`vipctl: ${message}${hint ? ` (${hint})` : ''}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
}

/** commander parser for --id: checked before anything touches the disk (exit 2 on a bad one). */
function labId(value: string): string {
  try {
    return checkLabId(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function masterCount(value: string): number {
  try {
    return checkMasterCount(/^\d+$/.test(value) ? Number(value) : NaN);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 3600) throw new InvalidArgumentError(`must be seconds between 0 and 3600, got ${JSON.stringify(value)}`);
  return n;
}

function absoluteDir(value: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError(`must be an absolute path, got ${JSON.stringify(value)}`);
  return value;
}

export async function runMain(args: readonly string[]): Promise<number> {
  let code = 0;
  const program = new Command('vipctl')
    .description('Keep a virtual IP on the Redis Sentinel master')
    .option('-c, --config <path>', 'config file (else $VIPCTL_CONFIG, else /etc/vipctl/vipctl.yaml)')
    .option('--debug', 'show the stack trace of an error')
    .version(versionText(), '-V, --version', 'print the version and the commit it was built from')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // commander's parse errors, on one line with the way out
      outputError: (s, write) => write(`vipctl: ${s.replace(/^error: /, '').trim()} (see vipctl --help)\n`),
    });

  const withConfig = async () => {
    const { loadConfigFile } = await import('../adapters/config-file');
    const { createLogger, logConfigWarnings } = await import('../adapters/log');
    const { loadTls } = await import('../adapters/connection');
    const { config, warnings } = loadConfigFile(program.opts<{ config?: string }>().config);
    loadTls(config); // these commands ask the Sentinels: a TLS file problem is exit 2 here
    const { logger } = createLogger(config.log);
    logConfigWarnings(logger, warnings);
    return { config, logger };
  };

  /** The config for the commands that keep no log file (status, check, switchover): TLS files checked (exit 2), no logger. */
  const readOnlyConfig = async () => {
    const { loadConfig } = await import('../adapters/config-file');
    const { loadTls } = await import('../adapters/connection');
    const config = loadConfig(program.opts<{ config?: string }>().config);
    loadTls(config);
    return config;
  };

  program
    .command('hook')
    .description(`Sentinel client-reconfig-script (also callable without "hook"): ${HOOK_USAGE}`)
    .argument('<args...>', 'the seven arguments Sentinel passes')
    .addHelpText('after', '\nExample:\n  vipctl hook mymaster leader start 10.0.0.11 6379 10.0.0.12 6379')
    .action(async (hookArgs: string[]) => {
      code = await (await import('./hook')).hookCommand(hookArgs, program.opts());
    });

  program
    .command('reconcile')
    .description('one pass of "ask Sentinel, fix this node" for every master')
    .option('--dry-run', 'print the plan (argv arrays), change nothing')
    .option('--json', 'the summary as one JSON object on stdout (the log lines go to the log and stderr either way)')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      const { config, logger } = await withConfig();
      code = await (await import('./reconcile')).reconcileCommand(config, logger.child({ cmd: 'reconcile' }), o);
    });
  example(program.commands.at(-1)!, 'vipctl reconcile --dry-run   # what this node would change', 'vipctl reconcile             # fix this node');

  example(
    program
      .command('bind')
      .description('bind the VIP here and announce it; refuses (exit 1, nothing changed) while another host answers for it')
      .argument('[master]', 'master name (may be left out when the config has one)')
      .option('--force', 'bind even when another host answers for the VIP')
      .action(async (name: string | undefined, o: { force?: boolean }) => {
        const { config, logger } = await withConfig();
        code = await (await import('./manual')).bindCommand(config, logger.child({ cmd: 'bind' }), name, o);
      }),
    'vipctl bind mymaster',
    'vipctl bind mymaster --force   # even though another host answers for the VIP',
  );
  example(
    program
      .command('unbind')
      .description('remove the VIP from this host and stop its announcer (fine when it is not bound)')
      .argument('[master]', 'master name (may be left out when the config has one)')
      .action(async (name: string | undefined) => {
        const { config, logger } = await withConfig();
        code = await (await import('./manual')).unbindCommand(config, logger.child({ cmd: 'unbind' }), name);
      }),
    'vipctl unbind mymaster',
  );
  example(
    program
      .command('status')
      .description('per master: VIP, interface, bound here, every Sentinel\'s answer, local Redis role, another holder, verdict. Exit 0 all ok, 1 otherwise, 2 bad config')
      .option('--json', 'one JSON object on stdout')
      .action(async (o: { json?: boolean }) => {
        const config = await readOnlyConfig();
        code = await (await import('./status')).statusCommand(config, o);
      }),
    'vipctl status',
    'vipctl status --json | jq \'.masters[] | {name, verdict}\'',
  );
  example(
    program
      .command('check')
      .description("for keepalived's vrrp_script: exit 0 exactly when a strict majority of the Sentinels names a master on this host, else 1 (2: bad config or unknown master). Quiet on success; read-only; ends within about 2.5 s")
      .argument('[master]', 'master name (may be left out when the config has one)')
      .action(async (name: string | undefined) => {
        const config = await readOnlyConfig();
        code = await (await import('./check')).checkCommand(config, name);
      }),
    'vipctl check mymaster && echo "the master is here"',
    'vipctl --config /etc/vipctl/vipctl.yaml check mymaster   # what keepalived.conf\'s vrrp_script runs (README)',
  );
  example(
    program
      .command('switchover')
      .description('a planned switchover: checks (a majority, a replica in sync, the VIP on the master), SENTINEL FAILOVER, then follows until the VIP reaches the new master; prints the timeline. Exit 0 done, 1 refused or timed out')
      .argument('[master]', 'master name (may be left out when the config has one)')
      .option('--timeout <s>', 'seconds to wait for the VIP on the new master', positiveSeconds, 60)
      .option('--json', 'one JSON object on stdout (the moments in ms from the request)')
      .action(async (name: string | undefined, o: { timeout: number; json?: boolean }) => {
        const config = await readOnlyConfig();
        code = await (await import('./switchover')).switchoverCommand(config, name, o);
      }),
    'vipctl switchover mymaster',
    'vipctl switchover --timeout 30 --json',
  );
  const configCmd = program.command('config').description('the config file');
  example(
    configCmd
      .command('check')
      .description('check the config file offline (ownership and modes, YAML, every key, TLS files, each master\'s interface and VIP subnet on this host), like nginx -t: no Sentinel, no network. Exit 0 usable, 2 with every problem and its key')
      .action(async () => {
        code = await (await import('./config-check')).configCheckCommand(program.opts<{ config?: string }>().config);
      }),
    'vipctl config check',
    'vipctl config check --config /etc/vipctl/vipctl.yaml.new && mv /etc/vipctl/vipctl.yaml.new /etc/vipctl/vipctl.yaml',
  );
  example(
    program
      .command('hold')
      .description('maintenance: vipctl on this host (watch, hook, reconcile) leaves the master\'s VIP as it is until the hold lapses (default 30m) or release-hold; survives a watcher restart')
      .argument('[master]', 'master name (may be left out when the config has one)')
      .option('--for <duration>', 'how long: 90s, 30m, 2h, 1h30m (at most 24h)')
      .option('--reason <text>', 'why (logged, shown by status)')
      .action(async (name: string | undefined, o: { for?: string; reason?: string }) => {
        const { config, logger } = await withConfig();
        code = await (await import('./hold')).holdCommand(config, logger.child({ cmd: 'hold' }), name, o);
      }),
    'vipctl hold mymaster --for 1h --reason "moving the VIP by hand"',
  );
  example(
    program
      .command('release-hold')
      .description('end a maintenance hold on this host (fine when there is none)')
      .argument('[master]', 'master name (may be left out when the config has one)')
      .action(async (name: string | undefined) => {
        const { config, logger } = await withConfig();
        code = await (await import('./hold')).releaseHoldCommand(config, logger.child({ cmd: 'release-hold' }), name);
      }),
    'vipctl release-hold mymaster',
  );
  example(
    program
      .command('doctor')
      .description('check that this host can do the job: tools, capabilities, config, interface, Sentinels, hook, node on Sentinel\'s PATH, Redis, files. Exit 1 on any failure')
      .action(async () => {
        code = await (await import('./doctor')).doctorCommand(program.opts<{ config?: string }>().config);
      }),
    'vipctl doctor',
    'vipctl --config /etc/vipctl/vipctl.yaml doctor',
  );

  program
    .command('watch')
    .description('the per-node daemon: keep the VIP where the Sentinels say the master is (foreground)')
    .option('--release-on-exit', 'remove the VIPs held here on SIGTERM/SIGINT (default: leave them)')
    .action(async (o: { releaseOnExit?: boolean }) => {
      code = await (await import('./watch')).watchCommand({ ...program.opts<{ config?: string }>(), ...o });
    });

  const lab = program.command('lab').description('a real 3-node Redis + Sentinel cluster in network namespaces (root)');
  const labOpts = (c: Command) =>
    c.option('--id <id>', 'lab name (lowercase letters/digits)', labId, 'demo').option('--dir <dir>', 'state directory (absolute)', absoluteDir, '/run/vipctl-lab').option('--json', 'machine-readable output on stdout');
  example(lab, 'vipctl lab demo', 'vipctl lab up --id mine && vipctl lab status --id mine && vipctl lab down --id mine');
  labOpts(lab.command('up').description('build the lab and leave it running'))
    .addOption(new Option('--mode <mode>', 'what keeps the VIP on the master').choices(LAB_MODES).default('watch'))
    .option('--tls', 'TLS-only Redis and Sentinels (certificates made with openssl in the lab dir)')
    .option('--ipv6', 'IPv6 throughout: nodes fd00::11-13, client fd00::50, VIP fd00::100/64')
    .option('--masters <n>', 'masters monitored by the Sentinels, each with its own port (6379+i) and VIP (198.18.0.100+i)', masterCount, 1)
    .option('--hostnames', 'Redis and Sentinel name the nodes n1.vipctl-lab... (resolve-hostnames, announce-hostnames; /etc/netns/<ns>/hosts)')
    .action(async (o) => {
      code = await (await import('./lab')).labUp(o);
    });
  example(lab.commands.at(-1)!, 'vipctl lab up --id mine --mode none', 'vipctl lab up --id mine --tls', 'vipctl lab up --id mine --masters 5', 'vipctl lab up --id mine --hostnames');
  example(
    labOpts(lab.command('status').description('who holds the VIP on every node, what each Sentinel says, each role (read-only)')).action(async (o) => {
      code = await (await import('./lab')).labStatusCommand(o);
    }),
    'vipctl lab status --id mine',
  );
  labOpts(lab.command('down').description('remove every namespace and process of the lab'))
    .option('--all', 'every lab in the state directory')
    .action(async (o) => {
      code = await (await import('./lab')).labDown(o);
    });
  example(lab.commands.at(-1)!, 'vipctl lab down --id mine', 'vipctl lab down --all');
  labOpts(lab.command('failover').description('disturb the current master'))
    .addOption(new Option('--kind <kind>', 'how').choices(FAILOVER_KINDS).default('sigkill'))
    .option('--master <name>', 'which master (a lab up with --masters N); default the first, mymaster')
    .action(async (o) => {
      code = await (await import('./lab')).labFailover(o);
    });
  example(lab.commands.at(-1)!, 'vipctl lab failover --id mine --kind link');

  labOpts(lab.command('heal').description('undo failovers: links up, SIGCONT, restart killed redis-servers'))
    .action(async (o) => {
      code = await (await import('./lab')).labHeal(o);
    });
  example(lab.commands.at(-1)!, 'vipctl lab heal --id mine');

  labOpts(lab.command('demo').description('up, a client writing through the VIP, a failover, the timeline, down'))
    .addOption(new Option('--kind <kind>', 'how to disturb the master').choices(FAILOVER_KINDS).default('sigkill'))
    .addOption(new Option('--mode <mode>', 'what keeps the VIP on the master').choices(LAB_MODES).default('watch'))
    .option('--compare', 'the same failover with the hook, then with the watcher, side by side')
    .option('--tls', 'TLS-only Redis and Sentinels')
    .action(async (o) => {
      code = await (await import('./lab')).labDemo(o);
    });
  example(lab.commands.at(-1)!, 'vipctl lab demo --kind sigstop', 'vipctl lab demo --json > timeline.json');
  lab
    .command('probe', { hidden: true }) // the demo's client, run inside the client namespace
    .requiredOption('--sentinels <list>', 'ip:port,...')
    .requiredOption('--vip <ip>', 'address to write through')
    .option('--port <port>', 'Redis port', '6379')
    .option('--every <ms>', 'write interval', '10')
    .option('--roles <list>', 'node addresses to poll with ROLE')
    .option('--tls <dir>', "the lab's TLS directory (lab up --tls)")
    .action(async (o) => {
      code = await (await import('./lab')).labProbe(o);
    });

  program
    .command('__notify', { hidden: true }) // a notify command's detached supervisor (src/adapters/notify.ts)
    .argument('<spec>', 'JSON: the command, its timeout, the log')
    .action(async (spec: string) => {
      code = await (await import('./notify')).notifyCommand(spec);
    });

  program.addHelpText('after', `\nHook form: ${HOOK_USAGE}\nExit codes: 0 done (or nothing to do), 1 transient (retry), 2 permanent (bad input; nothing changed).\n\nExamples:\n  vipctl doctor\n  vipctl status\n  vipctl bind mymaster`);
  program.addHelpText('after', envHelpText());

  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // --help is success; any other parse problem is bad usage
    reportError(e, program.opts<{ debug?: boolean }>().debug === true);
    return e instanceof VipctlError ? e.exitCode : 1;
  }
}
