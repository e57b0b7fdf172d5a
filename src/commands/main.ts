/** Every command but the hook fast path: parsed with commander, each loaded only when chosen. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VipctlError } from '../core/errors';
import { HOOK_USAGE } from '../core/hook-args';
import { FAILOVER_KINDS, LAB_MODES } from '../lab/topology';
import { checkLabId } from '../lab/state';

/** commander parser for --id: checked before anything touches the disk (exit 2 on a bad one). */
function labId(value: string): string {
  try {
    return checkLabId(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
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
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const withConfig = async () => {
    const { loadConfigFile } = await import('../adapters/config-file');
    const { createLogger, logConfigWarnings } = await import('../adapters/log');
    const { config, warnings } = loadConfigFile(program.opts<{ config?: string }>().config);
    const { logger } = createLogger(config.log);
    logConfigWarnings(logger, warnings);
    return { config, logger };
  };

  program
    .command('hook')
    .description(`Sentinel client-reconfig-script (also callable without "hook"): ${HOOK_USAGE}`)
    .argument('<args...>', 'the seven arguments Sentinel passes')
    .action(async (hookArgs: string[]) => {
      code = await (await import('./hook')).hookCommand(hookArgs, program.opts());
    });

  program
    .command('reconcile')
    .description('one pass of "ask Sentinel, fix this node" for every master')
    .option('--dry-run', 'print the plan (argv arrays), change nothing')
    .action(async (o: { dryRun?: boolean }) => {
      const { config, logger } = await withConfig();
      code = await (await import('./reconcile')).reconcileCommand(config, logger.child({ cmd: 'reconcile' }), o);
    });

  const lab = program.command('lab').description('a real 3-node Redis + Sentinel cluster in network namespaces (root)');
  const labOpts = (c: Command) =>
    c.option('--id <id>', 'lab name (lowercase letters/digits)', labId, 'demo').option('--dir <dir>', 'state directory (absolute)', absoluteDir, '/run/vipctl-lab').option('--json', 'machine-readable output on stdout');
  labOpts(lab.command('up').description('build the lab and leave it running'))
    .addOption(new Option('--mode <mode>', 'how vipctl is wired in').choices(LAB_MODES).default('hook'))
    .action(async (o) => {
      code = await (await import('./lab')).labUp(o);
    });
  labOpts(lab.command('down').description('remove every namespace and process of the lab'))
    .option('--all', 'every lab in the state directory')
    .action(async (o) => {
      code = await (await import('./lab')).labDown(o);
    });
  labOpts(lab.command('failover').description('disturb the current master'))
    .addOption(new Option('--kind <kind>', 'how').choices(FAILOVER_KINDS).default('sigkill'))
    .action(async (o) => {
      code = await (await import('./lab')).labFailover(o);
    });

  labOpts(lab.command('demo').description('up, a client writing through the VIP, a failover, the timeline, down'))
    .addOption(new Option('--kind <kind>', 'how to disturb the master').choices(FAILOVER_KINDS).default('sigkill'))
    .action(async (o) => {
      code = await (await import('./lab')).labDemo(o);
    });
  lab
    .command('probe', { hidden: true }) // the demo's client, run inside the client namespace
    .requiredOption('--sentinels <list>', 'ip:port,...')
    .requiredOption('--vip <ip>', 'address to write through')
    .option('--port <port>', 'Redis port', '6379')
    .option('--every <ms>', 'write interval', '10')
    .action(async (o) => {
      code = await (await import('./lab')).labProbe(o);
    });

  program.addHelpText('after', `\nHook form: ${HOOK_USAGE}\nExit codes: 0 done (or nothing to do), 1 transient (retry), 2 permanent (bad input; nothing changed).`);

  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // --help is success; any other parse problem is bad usage
    if (e instanceof VipctlError) {
      process.stderr.write(`vipctl: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
