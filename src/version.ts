/** Kept in step with package.json by a test; a constant so start-up reads no file. */
export const TOOL_NAME = 'connect-netpath-audit';
export const TOOL_VERSION = '0.5.0';
