/** Reading vipctl's JSON-lines log back (the demo's timeline, the tests). */
export type LogRecord = Record<string, unknown>;

export function parseLogLines(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogRecord);
}
