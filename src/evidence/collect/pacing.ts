/**
 * Send-time pacing: the scheduler grants an attempt a slot and reserves one of its key's tokens, but
 * takes the token only when the SDK is about to hand the signed request to its HTTP handler. A busy
 * CPU or a slow credential refresh between the grant and the send then cannot bunch requests into a
 * burst the service throttles.
 *
 * The scheduler registers a gate for each attempt's AbortSignal; the SDK carries the signal given to
 * `client.send(command, { abortSignal })` in the handler context (`context.__smithy_context.abortSignal`,
 * @smithy/core dist-cjs/submodules/client/index.js, Command.resolveMiddlewareWithContext), where one
 * client-level middleware right before `httpSigningMiddleware` (finalizeRequest step) finds it.
 */

/** What the send middleware awaits: resolves when the attempt's request may leave. */
export interface SendGate {
  pass(): Promise<void> | undefined;
}

const gates = new WeakMap<AbortSignal, SendGate>();

export function registerSendGate(signal: AbortSignal, gate: SendGate): void {
  gates.set(signal, gate);
}

/** @smithy/types SMITHY_CONTEXT_KEY. */
const SMITHY_CONTEXT_KEY = '__smithy_context';

interface HandlerContext {
  [SMITHY_CONTEXT_KEY]?: { abortSignal?: unknown };
}

export const SEND_PACING_MIDDLEWARE_NAME = 'connectNetpathAuditSendPacing';

export function sendPacingMiddleware<A, R>(next: (args: A) => Promise<R>, context: HandlerContext): (args: A) => Promise<R> {
  return async (args) => {
    const signal = context[SMITHY_CONTEXT_KEY]?.abortSignal;
    const gate = typeof signal === 'object' && signal !== null ? gates.get(signal as AbortSignal) : undefined;
    const waiting = gate?.pass();
    if (waiting) await waiting;
    return next(args);
  };
}

export interface MiddlewareStackLike {
  addRelativeTo(middleware: typeof sendPacingMiddleware, options: { name: string; relation: 'before'; toMiddleware: string; override: boolean }): void;
}

/**
 * Right before signing: credentials are resolved earlier (httpAuthSchemeMiddleware, serialize step);
 * signing is a local HMAC and the deserialize step calls on at once, so the request leaves right
 * after the gate, with a signature made after any wait there (SigV4: "a request must reach AWS
 * within five minutes of the time stamp in the request",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html). Inside the SDK's
 * retryMiddleware, so an SDK retry would pass the gate again (the clients make none: maxAttempts 1).
 */
export function installSendPacing(client: { middlewareStack: MiddlewareStackLike }): void {
  client.middlewareStack.addRelativeTo(sendPacingMiddleware, {
    name: SEND_PACING_MIDDLEWARE_NAME,
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    override: true,
  });
}

interface ResponseLike {
  $response?: { headers?: unknown };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7); asctime's is in UTC. */
function httpDate(value: string): number | undefined {
  if (!IMF_FIXDATE.test(value) && !RFC850_DATE.test(value) && !ASCTIME_DATE.test(value)) return undefined;
  const parsed = Date.parse(ASCTIME_DATE.test(value) ? `${value} GMT` : value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * How long the answer of a failed attempt asks the caller to wait, in milliseconds: `Retry-After`
 * (RFC 9110 §10.2.3: `HTTP-date / delay-seconds`, delay-seconds = 1*DIGIT) or the SDK's own
 * `x-amz-retry-after` (milliseconds; @smithy/core dist-cjs/submodules/retry/index.js
 * parseRetryAfterHeader). The raw response is the SDK error's non-enumerable `$response`
 * (@smithy/core dist-cjs/submodules/schema/index.js, schemaDeserializationMiddleware). A date in the
 * past or an unreadable value: undefined.
 */
export function retryAfterMs(err: unknown, wallClock: number = Date.now()): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const headers = (err as ResponseLike).$response?.headers;
  const retryAfter = headerOf(headers, 'retry-after')?.trim();
  if (retryAfter !== undefined) {
    // Decimals are not delay-seconds, but the SDK honours them too, and waiting is the safe reading.
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = httpDate(retryAfter);
    return date !== undefined && date > wallClock ? date - wallClock : undefined;
  }
  const amz = headerOf(headers, 'x-amz-retry-after')?.trim();
  if (amz !== undefined && /^\d+$/.test(amz)) return Number(amz);
  return undefined;
}
