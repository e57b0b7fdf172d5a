/** vipctl(8) from --help (scripts/man.ts). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandsOf, manPage, roffEscape } from '../../scripts/man';
import { COMMANDS } from '../../src/route';

// the built CLI (npm ci and npm test build dist/), as scripts/package.mjs uses it
const CLI = [process.execPath, new URL('../../bin/vipctl', import.meta.url).pathname];
let cached: string | undefined;
const page = (): string => (cached ??= manPage(CLI, { version: '9.9.9', date: '2026-01-01' }));

describe('the man page', () => {
  it('escapes what roff would take as requests or escapes', () => {
    expect(roffEscape('.TH x')).toBe('\\&.TH x');
    expect(roffEscape("'quoted")).toBe("\\&'quoted");
    expect(roffEscape('a\\b --c')).toBe('a\\eb \\-\\-c');
  });

  it('lists the commands of the top-level help', () => {
    expect(commandsOf('Usage: x\n\nCommands:\n  bind [master]  b\n                 more\n  help [command]  h\n\nExamples:\n  vipctl bind\n')).toEqual(['bind']);
  });

  it('holds --help and every command\'s --help', { timeout: 60_000 }, () => {
    expect(page().startsWith('.TH VIPCTL 8 "2026-01-01" "vipctl 9.9.9"')).toBe(true);
    const top = spawnSync(CLI[0]!, [...CLI.slice(1), '--help'], { encoding: 'utf8' }).stdout;
    for (const line of top.trimEnd().split('\n')) expect(page()).toContain(roffEscape(line));
    for (const c of [...COMMANDS].filter((c) => c !== 'help')) expect(page()).toContain(`.SS ${c}\n`);
  });

  it('man renders it without a warning', { timeout: 60_000 }, () => {
    if (!existsSync('/usr/bin/man')) throw new Error('man-db is needed (apt-get install man-db)');
    const file = join(mkdtempSync(join(tmpdir(), 'vipctl-man-')), 'vipctl.8');
    writeFileSync(file, page());
    const r = spawnSync('man', ['--warnings', '-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/vipctl - keep a virtual IP on the Redis Sentinel master/);
    expect(r.stdout).toMatch(/Usage: vipctl \[options\] \[command\]/);
  });
});
