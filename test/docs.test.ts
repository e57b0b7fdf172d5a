/**
 * The README is a five-minute page and docs/ the guide: every relative link
 * in either resolves to a file of the repository, and every #anchor to a
 * heading of its target (GitHub's slugs).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = join(__dirname, '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

export function slug(heading: string): string {
  return heading
    .replace(/^#+\s*/, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    if (fence || !/^#{1,6} /.test(line)) continue;
    const s = slug(line);
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    out.add(n === 0 ? s : `${s}-${n}`);
  }
  return out;
}

/** Markdown links outside code: [text](target). */
export function links(markdown: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    if (fence) continue;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) out.push(m[1]!);
  }
  return out;
}

describe('README and docs/', () => {
  it('the README is a page an operator reads in five minutes', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThan(300);
  });

  it('the Quick start keeps its two commands', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && ./bin/vipctl lab demo');
    expect(readme).toContain('npm ci && npm test');
  });

  for (const page of pages) {
    it(`every link of ${page} resolves`, () => {
      const text = readFileSync(join(root, page), 'utf8');
      const broken: string[] = [];
      for (const target of links(text)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const path = file === '' ? join(root, page) : resolve(dirname(join(root, page)), file);
        if (!existsSync(path)) {
          broken.push(`${target}: no file`);
          continue;
        }
        if (anchor !== undefined && path.endsWith('.md') && !anchors(readFileSync(path, 'utf8')).has(anchor)) broken.push(`${target}: no heading`);
      }
      expect(broken).toEqual([]);
    });
  }

  it('catches a broken anchor (the checker can fail)', () => {
    expect(anchors('## Or with keepalived: `vipctl check`\n').has('or-with-keepalived-vipctl-check')).toBe(true);
    expect(anchors('## A\n## A\n').has('a-1')).toBe(true);
    expect(links('see [x](docs/nope.md#y) and `[z](w)`')).toEqual(['docs/nope.md#y']);
  });
});
