// PatchbayError: a stable code, a user-facing message, an action and a cause (DESIGN.md "errors.ts").
// Messages are built by the code that knows the context and must never contain a secret; the cause
// is kept for logs only and is redacted by the log sink.
import type { ContractError, ErrorAction } from '../../preload/contract.ts';

export class PatchbayError extends Error {
  readonly code: string;
  readonly action: ErrorAction;
  /** Extra, non-secret facts for logs and diagnostics (HTTP status, host, errorId…). */
  readonly details: Readonly<Record<string, string | number | boolean | undefined>>;

  constructor(
    code: string,
    message: string,
    options: { action?: ErrorAction; cause?: unknown; details?: Record<string, string | number | boolean | undefined> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchbayError';
    this.code = code;
    this.action = options.action ?? 'none';
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  toContract(): ContractError {
    return { code: this.code, message: this.message, action: this.action };
  }
}

export function isPatchbayError(value: unknown): value is PatchbayError {
  return value instanceof PatchbayError;
}

/** Anything thrown → a PatchbayError; unknown errors become `internal.unexpected` without their text
 *  (their text may hold a URL with a secret or a server body). */
export function toPatchbayError(value: unknown, fallbackCode = 'internal.unexpected'): PatchbayError {
  if (value instanceof PatchbayError) return value;
  return new PatchbayError(fallbackCode, 'Something unexpected went wrong. Details are in the log.', {
    action: 'retry',
    cause: value,
  });
}
