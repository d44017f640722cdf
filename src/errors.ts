/** Bad input from the user (flags, files): reported as one line, exit code 2, nothing audited. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** One line naming where a zod issue is: `$.accounts[0].regions[1].region`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : /^[A-Za-z_$][\w$]*$/.test(String(part)) ? `${acc}.${String(part)}` : `${acc}[${JSON.stringify(String(part))}]`), '$');
}

/** The run was stopped (whole-run timeout or a signal) before it finished: nothing may be reported. */
export function abortError(signal?: AbortSignal, what = 'The run'): Error {
  const error = new Error(`${what} was aborted.`, { cause: signal?.reason });
  error.name = 'AbortError';
  return error;
}

/** An abort (`abortError`, a DOMException of an aborted signal): the run stops, nothing is reported. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
