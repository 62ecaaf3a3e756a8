import autocannon from 'autocannon';
import { evalQuestions } from './eval-questions.ts';
import { serverRssBytes, startServerProcess } from './server-process.ts';

/**
 * `npm run load [-- --connections=50 --duration=60 --warmup=10]`: concurrent clients against /api/ask
 * (offline default) on loopback, printing throughput, latency percentiles, errors and
 * the server's RSS before and after.
 */
function option(name: string, fallback: number): number {
  const argument = process.argv.find((value) => value.startsWith(`--${name}=`));
  const value = argument ? Number(argument.split('=')[1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const connections = option('connections', 50);
const duration = option('duration', 60);
const warmupSeconds = option('warmup', 10);
const questions = await evalQuestions();
const server = await startServerProcess({ RATE_LIMIT_PER_MIN: '0' });
try {
  const rssIdle = await serverRssBytes(server.url);
  let next = 0;
  const run = (seconds: number) =>
    autocannon({
      url: `${server.url}/api/ask`,
      connections,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A request number in every question: each one is new to the query-embedding cache.
      requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ question: `${questions[next % questions.length]} (${next++})` }) }) }],
    });
  // A warm-up at the same concurrency first: the embedding workers' heaps grow to their
  // working size once, which is not a leak; growth after it is.
  await run(warmupSeconds);
  const rssBefore = await serverRssBytes(server.url);
  const result = await run(duration);
  const rssAfter = await serverRssBytes(server.url);
  const healthy = (await fetch(`${server.url}/api/health`)).ok;
  const non2xx = result.non2xx;
  console.log(`load: ${connections} connections × ${duration} s against POST /api/ask (extractive, every question distinct: eval questions numbered)`);
  console.log(`requests      ${result.requests.total} (${result.requests.average.toFixed(1)} req/s)`);
  console.log(`latency (ms)  p50 ${result.latency.p50}  p95 ${result.latency.p97_5 ?? '-'} (p97.5)  p99 ${result.latency.p99}  max ${result.latency.max}`);
  console.log(`errors        ${result.errors} connection errors, ${result.timeouts} timeouts, ${non2xx} non-2xx`);
  console.log(`server RSS    ${(rssIdle / 1e6).toFixed(0)} MB idle, ${(rssBefore / 1e6).toFixed(0)} MB after a ${warmupSeconds} s warm-up → ${(rssAfter / 1e6).toFixed(0)} MB after the run (${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)}% over the run, target < 20%)`);
  console.log(`server        ${healthy ? 'healthy after the run' : 'NOT healthy after the run'}`);
} finally {
  await server.stop();
}
