// vipctl(8), written from the CLI's own --help (commander's, src/commands/main.ts):
// the top-level help, then each command's. Run by scripts/package.mjs with the
// freshly built CLI, so the man page and --help cannot disagree.
import { execFileSync } from 'node:child_process';

/** Text for roff: backslashes doubled, a leading . or ' kept literal. */
export function roffEscape(line: string): string {
  const s = line.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(s) ? `\\&${s}` : s;
}

const block = (text: string): string[] => ['.nf', ...text.trimEnd().split('\n').map(roffEscape), '.fi'];

/** The command names listed under "Commands:" in the top-level help (help itself left out). */
export function commandsOf(help: string): string[] {
  const at = help.split('\n').findIndex((l) => l === 'Commands:');
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of help.split('\n').slice(at + 1)) {
    if (line.trim() === '') break;
    const m = /^ {2}([a-z][a-z-]*)\b/.exec(line);
    if (m && m[1] !== 'help') out.push(m[1]!);
  }
  return out;
}

/** The man page, from `cli --help` and `cli <command> --help` (cli: an argv prefix). */
export function manPage(cli: readonly string[], { version, date }: { version: string; date: string }): string {
  const help = (...args: string[]): string => execFileSync(cli[0]!, [...cli.slice(1), ...args, '--help'], { encoding: 'utf8' });
  const top = help();
  const lines = [
    `.TH VIPCTL 8 "${date}" "vipctl ${version}" "System Administration"`,
    '.SH NAME',
    'vipctl \\- keep a virtual IP on the Redis Sentinel master',
    '.SH SYNOPSIS',
    '.B vipctl',
    '.I master role state from-ip from-port to-ip to-port',
    '.br',
    '.B vipctl',
    '[\\fIoptions\\fR] \\fIcommand\\fR [\\fIargs\\fR]',
    '.SH DESCRIPTION',
    'What follows is the output of \\fBvipctl \\-\\-help\\fR and of \\fBvipctl\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR.',
    '.PP',
    ...block(top),
    '.SH COMMANDS',
  ];
  for (const c of commandsOf(top)) lines.push(`.SS ${c}`, ...block(help(c)));
  lines.push(
    '.SH FILES',
    '.TP',
    '.I /etc/vipctl/vipctl.yaml',
    'the configuration (root:vipctl, mode 0640; $VIPCTL_CONFIG or \\-\\-config name another); /etc/vipctl/vipctl.yaml.example is a commented example',
    '.TP',
    '.I /lib/systemd/system/vipctl\\-watch.service',
    'the watcher\'s unit (not enabled on install)',
    '.TP',
    '.I /usr/share/vipctl/redis\\-sentinel.service.d/vipctl.conf',
    'the drop\\-in that lets Debian\'s redis\\-sentinel.service run the hook (inactive until copied to /etc/systemd/system/redis\\-sentinel.service.d/)',
    '.TP',
    '.I /var/log/vipctl/',
    'the log directory',
    '.SH EXIT STATUS',
    '0 done (or nothing to do), 1 transient failure (Sentinel retries the hook), 2 permanent (bad input or config; nothing changed).',
    '.SH SEE ALSO',
    '.BR redis\\-sentinel (1),',
    '.BR ip (8),',
    '.BR arping (8),',
    '/usr/share/doc/vipctl/README.md.gz and /usr/share/doc/vipctl/docs/ (the guide)',
  );
  return `${lines.join('\n')}\n`;
}
