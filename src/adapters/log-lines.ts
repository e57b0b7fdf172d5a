/** Reading vipctl's JSON-lines log back (the demo's timeline, the tests). */
export type LogRecord = Record<string, unknown>;

/**
 * Every complete line of `text` as a record. A log is often read while a
 * process appends to it: a last line without its newline is still being
 * written and is left for the next read (every line vipctl writes ends with
 * one). A complete line that is not JSON still throws.
 */
export function parseLogLines(text: string): LogRecord[] {
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogRecord);
}
