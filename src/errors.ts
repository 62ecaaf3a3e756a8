/**
 * Typed errors with a stable code. The server maps them to HTTP in one place
 * (src/server/api/errors.ts); the CLI prints their message.
 */
export class PaperchatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly retryable = false,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends PaperchatError {
  constructor(message: string, code = 'bad_request') {
    super(code, message, 400);
  }
}

export class NotFoundError extends PaperchatError {
  constructor(message: string) {
    super('not_found', message, 404);
  }
}

/** The index is still being built: the request can be retried shortly. */
export class IndexNotReadyError extends PaperchatError {
  constructor() {
    super('index_not_ready', 'The index is still being built; try again in a moment.', 503, true);
  }
}

export class ConfigError extends PaperchatError {
  constructor(message: string) {
    super('config_error', message, 500);
  }
}
