import type { Request } from 'express';

/** Aborted when the client goes away, so generation stops with it. */
export function clientSignal(request: Request): AbortSignal {
  const controller = new AbortController();
  request.on('close', () => {
    if (!request.complete || request.socket.destroyed) controller.abort();
  });
  request.res?.on('close', () => {
    if (!request.res?.writableFinished) controller.abort();
  });
  return controller.signal;
}
