// Domain functions throw these; app/utils/http.server.ts maps them to HTTP statuses, the JSON API
// error shape and friendly Italian/English messages. A record outside the caller's scope is
// NotFound, never Forbidden: we do not confirm that a foreign id exists.

export type DomainErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'validation_failed'
  | 'rate_limited'
  | 'service_unavailable';

export class DomainError extends Error {
  constructor(
    public readonly code: DomainErrorCode,
    public readonly status: number,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(message = 'Not found', details?: unknown) {
    super('not_found', 404, message, details);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Forbidden', details?: unknown) {
    super('forbidden', 403, message, details);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Authentication required', details?: unknown) {
    super('unauthenticated', 401, message, details);
  }
}

export class Conflict extends DomainError {
  constructor(message = 'Conflict', details?: unknown) {
    super('conflict', 409, message, details);
  }
}

/** details: field path → message key or message, so forms can show errors next to fields. */
export class ValidationFailed extends DomainError {
  constructor(
    message = 'Validation failed',
    public readonly fieldErrors: Record<string, string> = {},
  ) {
    super('validation_failed', 422, message, { fieldErrors });
  }
}

export class RateLimited extends DomainError {
  constructor(
    public readonly retryAfterSeconds: number,
    message = 'Too many attempts',
  ) {
    super('rate_limited', 429, message, { retryAfterSeconds });
  }
}

export class ServiceUnavailable extends DomainError {
  constructor(message = 'Service temporarily unavailable', details?: unknown) {
    super('service_unavailable', 503, message, details);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
