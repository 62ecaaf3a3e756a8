import { PaperchatError } from '../../errors.ts';

/**
 * What went wrong talking to the model:
 * - `timeout`: no response (or no new token) within LLM_TIMEOUT_MS;
 * - `http`: the endpoint answered with an error status (see `upstreamStatus`);
 * - `connection`: the endpoint could not be reached;
 * - `stream`: the response broke off or ended without its end-of-stream marker (truncation);
 * - `empty`: the model finished without producing any text;
 * - `other`: anything else the client library threw.
 */
export type LlmFailureKind = 'timeout' | 'http' | 'connection' | 'stream' | 'empty' | 'other';

export interface LlmProviderErrorDetails {
  provider: string;
  kind: LlmFailureKind;
  /** HTTP status returned by the model endpoint, when there was one. */
  upstreamStatus?: number;
  /** True when some answer text had already been yielded before the failure. */
  partial?: boolean;
  cause?: unknown;
}

/** Statuses worth retrying later: request timeout, conflict/too-early, rate limit, server errors. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status) || status >= 500;
}

/**
 * The LLM endpoint failed. The answer pipeline catches this and falls back to the extractive
 * answerer with a warning; when it does surface over HTTP it maps to 502 (504 for timeouts).
 */
export class LlmProviderError extends PaperchatError {
  readonly provider: string;
  readonly kind: LlmFailureKind;
  readonly upstreamStatus?: number;
  readonly partial: boolean;

  constructor(message: string, details: LlmProviderErrorDetails) {
    const retryable =
      details.upstreamStatus !== undefined
        ? isRetryableStatus(details.upstreamStatus)
        : details.kind !== 'other' && details.kind !== 'empty';
    super('llm_unavailable', message, details.kind === 'timeout' ? 504 : 502, retryable);
    this.provider = details.provider;
    this.kind = details.kind;
    this.partial = details.partial ?? false;
    if (details.upstreamStatus !== undefined) this.upstreamStatus = details.upstreamStatus;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}
