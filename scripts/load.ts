import autocannon from 'autocannon';
import { evalQuestions } from './eval-questions.ts';
import { serverRssBytes, startServerProcess } from './server-process.ts';

/**
 * `npm run load [-- --connections=50 --duration=60]`: concurrent clients against /api/ask
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
const questions = await evalQuestions();
const server = await startServerProcess({ RATE_LIMIT_PER_MIN: '0' });
try {
  // Warm-up, so the model load is not counted as growth.
  for (const question of questions.slice(0, 5)) await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  const rssBefore = await serverRssBytes(server.url);
  let next = 0;
  const result = await autocannon({
    url: `${server.url}/api/ask`,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ question: questions[next++ % questions.length] }) }),
      },
    ],
  });
  const rssAfter = await serverRssBytes(server.url);
  const healthy = (await fetch(`${server.url}/api/health`)).ok;
  const non2xx = result.non2xx;
  console.log(`load: ${connections} connections × ${duration} s against POST /api/ask (extractive, ${questions.length} distinct questions)`);
  console.log(`requests      ${result.requests.total} (${result.requests.average.toFixed(1)} req/s)`);
  console.log(`latency (ms)  p50 ${result.latency.p50}  p95 ${result.latency.p97_5 ?? '-'} (p97.5)  p99 ${result.latency.p99}  max ${result.latency.max}`);
  console.log(`errors        ${result.errors} connection errors, ${result.timeouts} timeouts, ${non2xx} non-2xx`);
  console.log(`server RSS    ${(rssBefore / 1e6).toFixed(0)} MB before → ${(rssAfter / 1e6).toFixed(0)} MB after (${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)}%)`);
  console.log(`server        ${healthy ? 'healthy after the run' : 'NOT healthy after the run'}`);
} finally {
  await server.stop();
}
