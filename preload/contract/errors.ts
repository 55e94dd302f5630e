// Contract: the typed error every failed command returns, and the zod-error translations for it.
import { z } from 'zod';

export const ErrorActionSchema = z.enum(['retry', 'sign-in-again', 'contact-it', 'none']);
export type ErrorAction = z.infer<typeof ErrorActionSchema>;

export const ContractErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  action: ErrorActionSchema,
});
export type ContractError = z.infer<typeof ContractErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Turn a zod error into the contract's typed error, naming each bad field. */
export function validationError(error: z.ZodError): ContractError {
  const fields = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { code: 'contract.invalid-arguments', message: `Invalid arguments — ${fields.join('; ')}`, action: 'none' };
}

/** Per-field messages for forms (profile editor). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '(root)';
    out[key] ??= issue.message;
  }
  return out;
}
