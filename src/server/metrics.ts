import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app (tests build several apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'paperchat_http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: 'paperchat_stage_duration_seconds',
      help: 'Duration of answer pipeline stages',
      labelNames: ['stage'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    llmErrors: new Counter({ name: 'paperchat_llm_errors_total', help: 'LLM provider failures (answer fell back)', labelNames: ['provider'] as const, registers: [registry] }),
    indexPapers: new Gauge({ name: 'paperchat_index_papers', help: 'Papers in the live index', registers: [registry] }),
    indexChunks: new Gauge({ name: 'paperchat_index_chunks', help: 'Chunks in the live index', registers: [registry] }),
    indexVectors: new Gauge({ name: 'paperchat_index_vectors', help: 'Vectors in the live index', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
