// Run inside the lab's client namespace: INCR one key through the VIP every
// few ms ($REDIS_PASSWORD: its password) and print one JSON line per acknowledged reply ({t, v}); errors are
// counted, never printed as replies. Stops on SIGTERM, printing a summary.
import Redis from 'ioredis';

const [host, port, key, everyMs] = process.argv.slice(2);
const password = process.env.REDIS_PASSWORD || undefined;
const client = new Redis({
  host,
  port: Number(port),
  ...(password ? { password } : {}),
  connectTimeout: 200,
  commandTimeout: 200,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  retryStrategy: () => 5,
});
client.on('error', () => {});
let running = true;
let errors = 0;
process.on('SIGTERM', () => (running = false));
while (running) {
  const started = Date.now();
  try {
    const v = await client.incr(key);
    process.stdout.write(`${JSON.stringify({ t: Date.now(), v })}\n`);
  } catch {
    errors++;
  }
  const wait = Number(everyMs) - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
process.stdout.write(`${JSON.stringify({ done: true, errors })}\n`);
client.disconnect();
