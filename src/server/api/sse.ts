import type { Response } from 'express';

/**
 * Server-Sent Events framing: one JSON line per event, so multi-line text can never
 * break the frame, with a flush per event.
 */
export class SseWriter {
  constructor(private readonly response: Response) {}

  open(): void {
    this.response.status(200);
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Cache-Control', 'no-cache, no-transform');
    this.response.setHeader('Connection', 'keep-alive');
    // Reverse proxies (nginx) would otherwise buffer the stream.
    this.response.setHeader('X-Accel-Buffering', 'no');
    this.response.flushHeaders();
  }

  send(event: string, data: unknown): void {
    if (this.response.writableEnded || this.response.destroyed) return;
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** An unnamed event (`data:` line only), the framing OpenAI-style streams use; strings go out verbatim (`[DONE]`). */
  sendData(data: unknown): void {
    if (this.response.writableEnded || this.response.destroyed) return;
    this.response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }

  close(): void {
    if (!this.response.writableEnded) this.response.end();
  }
}

export function wantsEventStream(acceptHeader: string | undefined, streamFlag: boolean): boolean {
  return streamFlag || (acceptHeader ?? '').includes('text/event-stream');
}
