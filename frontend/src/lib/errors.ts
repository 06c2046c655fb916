/** Stable error codes from API.md; anything else is kept as a plain string. */
export type ApiErrorCode =
  | 'validation_error'
  | 'not_authenticated'
  | 'permission_denied'
  | 'not_found'
  | 'method_not_allowed'
  | 'payment_declined'
  | 'conflict'
  | 'insufficient_stock'
  | 'idempotency_key_reused'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'throttled'
  | 'server_error'
  | 'network_error'
  | (string & {});

export type ErrorDetails = Record<string, unknown>;

/** The one error shape every API layer answers with, as a throwable. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: ErrorDetails;

  constructor(status: number, code: ApiErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field errors flattened to dot paths: `{"shipping_address.city": ["…"]}`. */
  get fieldErrors(): Record<string, string[]> {
    return this.code === 'validation_error' ? flattenErrorDetails(this.details) : {};
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/**
 * DRF nests serializer errors (`{"shipping_address": {"city": ["…"]}}`) and lists
 * (`{"variants": [{}, {"sku": ["…"]}]}`); some layers already send dot paths.
 * Both end up as `{"shipping_address.city": [...], "variants.1.sku": [...]}`.
 */
export function flattenErrorDetails(details: unknown, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (key: string, message: string) => {
    (out[key] ??= []).push(message);
  };
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      add(path || 'non_field_errors', value);
    } else if (Array.isArray(value)) {
      if (value.every((item) => typeof item === 'string')) {
        value.forEach((item: string) => add(path || 'non_field_errors', item));
      } else {
        value.forEach((item, index) => walk(item, path ? `${path}.${index}` : String(index)));
      }
    } else if (value && typeof value === 'object') {
      Object.entries(value).forEach(([key, inner]) => walk(inner, path ? `${path}.${key}` : key));
    }
  };
  walk(details, prefix);
  return out;
}

const FRIENDLY: Partial<Record<string, string>> = {
  network_error: 'We could not reach the server. Check your connection and try again.',
  not_authenticated: 'Please sign in to continue.',
  permission_denied: 'You are not allowed to do that.',
  not_found: 'We could not find what you were looking for.',
  throttled: 'Too many attempts. Please wait a moment and try again.',
  server_error: 'Something went wrong on our side. Please try again.',
  payload_too_large: 'That file is too large.',
  unsupported_media_type: 'That file type is not supported.',
};

/** Words for a person: the server's message when it has one, else a friendly default. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'network_error' || error.code === 'server_error') {
      return FRIENDLY[error.code] ?? error.message;
    }
    return error.message || FRIENDLY[error.code] || 'Something went wrong.';
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
