/** Plain-text tables and optional ANSI colour for the operator's commands. Pure. */
export type Colour = 'green' | 'yellow' | 'red' | 'dim' | 'bold';

const SGR: Record<Colour, [number, number]> = { green: [32, 39], yellow: [33, 39], red: [31, 39], dim: [2, 22], bold: [1, 22] };

/**
 * Text from outside (a Sentinel's reply, an error message) made safe for a
 * terminal: control characters (C0 with tab and newline, DEL, C1) and the
 * Unicode bidirectional overrides are written as escapes (`\x1b`, `\n`,
 * `\u202e`), so an `ip` field holding `\e[2J`, a newline and a forged verdict
 * prints as one visible line. Every text rendering (status, doctor) passes
 * what it did not write itself through this.
 */
export function clean(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Wrap text in an ANSI colour when `enabled`; plain text otherwise. */
export function paint(text: string, colour: Colour | undefined, enabled: boolean): string {
  if (!enabled || !colour) return text;
  const [on, off] = SGR[colour];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

export interface Cell {
  text: string;
  colour?: Colour;
}

/** Columns padded to the widest cell (measured on plain text), two spaces apart, no trailing blanks. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | Cell>>, colour = false): string[] {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: clean(c) } : { ...c, text: clean(c.text) })));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.text.length ?? 0)));
  const line = (r: readonly Cell[]): string =>
    r
      .map((c, i) => {
        const pad = i === r.length - 1 ? '' : ' '.repeat(widths[i]! - c.text.length);
        return paint(c.text, c.colour, colour) + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header.map((h) => ({ text: h, colour: 'bold' as const }))), ...cells.map(line)];
}

/**
 * Colour only on a terminal, and never with NO_COLOR set (https://no-color.org:
 * any non-empty value). FORCE_COLOR is not honoured: one switch is enough.
 */
export function useColour(isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return isTty;
}
