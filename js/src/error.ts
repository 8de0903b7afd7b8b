import { CONTEXT_ERROR_KEY, ERROR_CODES, ERROR_STATUS, type ErrorCode } from "./protocol.gen.js";
import { isRecord } from "./json.js";

/**
 * Client-side code for a request that never produced a Mizan answer: `fetch`
 * rejected (offline, DNS, CORS), `fetch` is not available, or the response was
 * not a Mizan JSON body (an HTML 502 from a proxy, a truncated body). `status`
 * is the HTTP status when there was a response, `0` otherwise.
 */
export const NETWORK_ERROR = "NETWORK";

/**
 * Client-side code for a request cancelled through its `AbortSignal`.
 * `status` is `0`; the original `AbortError` is kept as `cause`.
 */
export const ABORTED_ERROR = "ABORTED";

/** Status carried by errors that have no HTTP response. */
export const NO_STATUS = 0;

/** Codes produced by the client itself, never sent by the server. */
export type ClientErrorCode = typeof NETWORK_ERROR | typeof ABORTED_ERROR;

/**
 * Any error code: a protocol code, a client code, or a function's own typed
 * error code (any other string the server puts in the envelope).
 */
// `string & {}` keeps editor completion for the known codes.
export type MizanErrorCode = ErrorCode | ClientErrorCode | (string & {});

/** Field name → messages, as sent with `VALIDATION` errors. */
export type FieldErrors = Record<string, string[]>;

export interface MizanErrorInit {
  code: MizanErrorCode;
  message: string;
  status: number;
  fields?: FieldErrors;
  data?: unknown;
  id?: string;
  cause?: unknown;
}

/** The one error type every Mizan call, context fetch and hook reports. */
export class MizanError extends Error {
  override readonly name = "MizanError";
  /** Protocol code (`NOT_FOUND`…), client code (`NETWORK`, `ABORTED`) or a function's own code. */
  readonly code: MizanErrorCode;
  /** HTTP status of the response, or `0` when there was none. */
  readonly status: number;
  /** Per-field messages of a validation failure. */
  readonly fields?: FieldErrors;
  /** Extra data the server attached to the error. */
  readonly data?: unknown;
  /** Server-side error id, to quote when reporting an `INTERNAL` error. */
  readonly id?: string;

  constructor(init: MizanErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    if (init.fields !== undefined) this.fields = init.fields;
    if (init.data !== undefined) this.data = init.data;
    if (init.id !== undefined) this.id = init.id;
  }

  /** True when the request was cancelled through its `AbortSignal`. */
  get aborted(): boolean {
    return this.code === ABORTED_ERROR;
  }
}

/** Type guard for {@link MizanError} (also across bundle copies of this package). */
export function isMizanError(error: unknown): error is MizanError {
  if (error instanceof MizanError) return true;
  return (
    error instanceof Error &&
    error.name === "MizanError" &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

/** True for a protocol code defined by the server (as opposed to client or function codes). */
export function isProtocolErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** True when `error` is a cancellation, either a raw `AbortError` or a Mizan `ABORTED` error. */
export function isAbortError(error: unknown): boolean {
  if (isMizanError(error)) return error.code === ABORTED_ERROR;
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "AbortError"
  );
}

function parseFields(value: unknown): FieldErrors | undefined {
  if (!isRecord(value)) return undefined;
  const fields: FieldErrors = {};
  for (const [name, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) {
      fields[name] = messages.filter((m): m is string => typeof m === "string");
    } else if (typeof messages === "string") {
      fields[name] = [messages];
    }
  }
  return fields;
}

/**
 * Builds the error for a non-success response from its status and parsed body
 * (`undefined` when the body was not JSON). Recognises the server envelope
 * `{"error": {"code", "message", "fields"?, "data"?, "id"?}}`; anything else is
 * a `NETWORK` error carrying the HTTP status.
 */
export function errorFromResponse(status: number, body: unknown): MizanError {
  const envelope = isRecord(body) ? body["error"] : undefined;
  if (isRecord(envelope) && typeof envelope["code"] === "string") {
    const message = envelope["message"];
    const fields = parseFields(envelope["fields"]);
    const id = envelope["id"];
    const init: MizanErrorInit = {
      code: envelope["code"],
      message: typeof message === "string" && message !== "" ? message : envelope["code"],
      status,
    };
    if (fields !== undefined) init.fields = fields;
    if ("data" in envelope && envelope["data"] !== null) init.data = envelope["data"];
    if (typeof id === "string") init.id = id;
    return new MizanError(init);
  }
  return new MizanError({
    code: NETWORK_ERROR,
    message: `Unexpected response from the server (HTTP ${status})`,
    status,
  });
}

/**
 * The failure recorded for a context inside the context bundle or the page's
 * `$local` data (`{"$error": {"code", "message"}}`: the server computes each
 * context separately, and one failing does not sink the others), or
 * `undefined` when `value` is a real context value. `status` is the code's protocol status.
 */
export function contextFailure(name: string, value: unknown): MizanError | undefined {
  if (!isRecord(value) || !(CONTEXT_ERROR_KEY in value)) return undefined;
  const failure = value[CONTEXT_ERROR_KEY];
  const code = isRecord(failure) && typeof failure["code"] === "string" ? failure["code"] : "INTERNAL";
  const message = isRecord(failure) && typeof failure["message"] === "string" ? failure["message"] : "";
  return new MizanError({
    code,
    message: message !== "" ? message : `The context "${name}" failed`,
    status: isProtocolErrorCode(code) ? ERROR_STATUS[code] : 500,
  });
}

/**
 * Converts whatever `fetch` (or reading its body) threw into a MizanError:
 * cancellations become `ABORTED`, everything else `NETWORK`.
 */
export function errorFromFetchFailure(error: unknown, signal?: AbortSignal): MizanError {
  if (isMizanError(error)) return error;
  if (isAbortError(error) || signal?.aborted === true) {
    return new MizanError({
      code: ABORTED_ERROR,
      message: "The request was cancelled",
      status: NO_STATUS,
      cause: error,
    });
  }
  const detail = error instanceof Error && error.message !== "" ? `: ${error.message}` : "";
  return new MizanError({
    code: NETWORK_ERROR,
    message: `Could not reach the server${detail}`,
    status: NO_STATUS,
    cause: error,
  });
}

/**
 * Normalises any thrown value to a MizanError. MizanErrors pass through,
 * cancellations become `ABORTED`, and any other error (a bug in client code)
 * becomes `INTERNAL` with status `0`, keeping the original as `cause`.
 */
export function toMizanError(error: unknown): MizanError {
  if (isMizanError(error)) return error;
  if (isAbortError(error)) return errorFromFetchFailure(error);
  return new MizanError({
    code: "INTERNAL",
    message: error instanceof Error ? error.message : String(error),
    status: NO_STATUS,
    cause: error,
  });
}
