/**
 * The one error type of the OCI client: a closed set of codes, the registry it concerns, and a message that
 * says what failed and what to do.
 */

/** Why an OCI operation failed. Distribution-spec error codes are kept verbatim in `registryCode`. */
export type OciErrorCode =
  | 'INVALID_REFERENCE'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'TOO_LARGE'
  | 'INVALID_LAYOUT'
  | 'PROTOCOL'
  | 'NETWORK'
  | 'TLS'
  | 'SERVER'
  | 'TOO_MANY_REQUESTS'
  | 'ABORTED';

export interface OciErrorOptions {
  registry?: string;
  status?: number;
  registryCode?: string;
  retryable?: boolean;
  /** From a Retry-After header. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * @example
 * try { await client.getManifest('app', 'v1'); }
 * catch (e) { if (e instanceof OciError && e.code === 'NOT_FOUND') console.log('no such tag'); }
 */
export class OciError extends Error {
  readonly code: OciErrorCode;
  readonly registry?: string;
  readonly status?: number;
  readonly registryCode?: string;
  /** True when repeating the same request may succeed (network errors, 5xx, 429). */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(code: OciErrorCode, message: string, opts: OciErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OciError';
    this.code = code;
    this.registry = opts.registry;
    this.status = opts.status;
    this.registryCode = opts.registryCode;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

const TLS_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'EPROTO']);

/** Turns anything thrown by a socket, stream or our own code into an OciError. */
export function toOciError(err: unknown, registry?: string, signal?: AbortSignal): OciError {
  if (err instanceof OciError) return err;
  const e = err as NodeJS.ErrnoException;
  if (signal?.aborted || e?.name === 'AbortError' || e?.code === 'ABORT_ERR') {
    return new OciError('ABORTED', `operation on ${registry ?? 'registry'} was aborted`, { registry, cause: err });
  }
  if (e?.code && TLS_CODES.has(e.code)) {
    const hint = 'pass the registry CA (ca option / --ca-file) or, for testing only, insecureSkipTLSVerify';
    return new OciError('TLS', `TLS connection to ${registry} failed: ${e.message}; ${hint}`, { registry, cause: err });
  }
  return new OciError('NETWORK', `cannot reach registry ${registry ?? ''}: ${e?.message ?? String(err)}`, { registry, cause: err, retryable: true });
}
