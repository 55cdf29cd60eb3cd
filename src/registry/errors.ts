/**
 * The registry's one error type. The distribution spec has its own wire format
 * (`{"errors":[{"code","message","detail"}]}`, dist-spec "Error Codes"), so this mirrors the discipline of
 * `src/kube/errors.ts` (a closed set of codes, thrown anywhere, normalised in one place) with that shape.
 */

/** The closed set of codes we produce: the spec's code-1…code-14, plus RANGE (416) and UNKNOWN (500). */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_NOT_SATISFIABLE'
  | 'UNKNOWN';

const STATUS: Record<RegistryErrorCode, number> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_NOT_SATISFIABLE: 416,
  UNKNOWN: 500,
};

/** The JSON body of every registry error response. */
export interface ErrorBody {
  errors: { code: RegistryErrorCode; message: string; detail?: unknown }[];
}

/**
 * A registry error: a spec code, the HTTP status that goes with it (overridable, e.g. 413 for an oversized
 * manifest), a message saying what failed and what to do, and optional structured detail.
 *
 * @example
 * throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in repository "${name}"`);
 */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;
  readonly detail?: unknown;
  /** Extra response headers (e.g. `Content-Range` on 416, `WWW-Authenticate` on 401). */
  readonly headers: Record<string, string>;

  constructor(code: RegistryErrorCode, message: string, options: { detail?: unknown; status?: number; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = options.status ?? STATUS[code];
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  /** The wire body. */
  toBody(): ErrorBody {
    const entry: ErrorBody['errors'][number] = { code: this.code, message: this.message };
    if (this.detail !== undefined) entry.detail = this.detail;
    return { errors: [entry] };
  }
}

/** Normalises anything thrown into a RegistryError; unexpected errors become a 500 without internals. */
export function asRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  return new RegistryError('UNKNOWN', 'internal registry error; see the server log');
}
