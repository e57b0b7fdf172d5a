/** Reading vipctl's JSON-lines log back (the demo's timeline, the tests). */
export type LogRecord = Record<string, unknown>;

/** Every non-empty line of `text` (a finished command's stderr, a closed log) as a record; a line that is not JSON throws. */
export function parseLogLines(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogRecord);
}

/**
 * A log file that a process may be appending to: every complete line as a
 * record. A last line without its newline is still being written and is left
 * for the next read (every line vipctl writes to its file ends with one).
 */
export function parseLiveLog(text: string): LogRecord[] {
  return parseLogLines(text.slice(0, text.lastIndexOf('\n') + 1));
}
