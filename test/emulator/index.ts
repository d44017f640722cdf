export { startEmulator } from './server.js';
export type { Emulator, EmulatorOptions, Fault, RequestLogEntry, ServiceName } from './types.js';
