/** Escaping of values that come from the account, one function per target syntax. */

/** Removes C0/C1 control characters and ANSI escape sequences, keeping tab and newline out too. */
export function stripControl(value: string): string {
  return value.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
