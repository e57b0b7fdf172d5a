import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ENV_VARIABLES, envHelpText } from '../../src/core/env-help';

const SRC = new URL('../../src', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'lab' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

it('--help lists every environment variable src/ reads (outside the lab)', () => {
  const read = new Set<string>();
  for (const f of files(SRC)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]+)/g)) read.add(m[1]!);
  }
  expect(read.size).toBeGreaterThan(5);
  const listed = new Set(ENV_VARIABLES.flatMap(([n]) => n.split(/,\s*/)));
  const text = envHelpText();
  for (const name of read) {
    expect(listed, `${name} is read in src/ but not in src/core/env-help.ts`).toContain(name);
    expect(text).toContain(name);
  }
});
