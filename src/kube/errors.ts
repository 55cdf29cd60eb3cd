import type { Status, StatusCause, StatusDetails } from './types.ts';

/** The closed set of Status reasons we produce (apimachinery metav1.StatusReason). */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

/** Field-level cause types (apimachinery field.ErrorType → CauseType). */
export type CauseType =
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'FieldManagerConflict'
  | 'ResourceVersionTooLarge';

/** One field problem. `message` is the full text kubectl prints after `field: `. */
export interface FieldError {
  type: CauseType;
  field: string;
  message: string;
}

/**
 * The one error type of the project: a Kubernetes Status with reason, code and field causes.
 * Thrown anywhere, turned into a wire Status (API server), a kubectl-like line (CLI) or form
 * errors (console) at the boundary by {@link toStatus}.
 *
 * @example
 * throw StatusError.notFound({ group: '', resource: 'configmaps' }, 'x');
 */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) status.details = this.details;
    return status;
  }

  static badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  }

  static unauthorized(message = 'Unauthorized'): StatusError {
    return new StatusError(401, 'Unauthorized', message);
  }

  static forbidden(gr: GroupResource, name: string, message: string): StatusError {
    return new StatusError(403, 'Forbidden', `${qualified(gr)}${name ? ` "${name}"` : ''} is forbidden: ${message}`, detailsOf(gr, name));
  }

  static notFound(gr: GroupResource, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, detailsOf(gr, name));
  }

  /** A URL or resource type the server does not serve at all. */
  static notFoundPath(): StatusError {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  static alreadyExists(gr: GroupResource, name: string): StatusError {
    return new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, detailsOf(gr, name));
  }

  static conflict(gr: GroupResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): StatusError {
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, detailsOf(gr, name));
  }

  static gone(message: string): StatusError {
    return new StatusError(410, 'Expired', message);
  }

  /** 422 Invalid: `details.kind` is the Kind (not the plural), as upstream. */
  static invalid(groupKind: { group: string; kind: string }, name: string, errors: FieldError[]): StatusError {
    const qualifiedKind = groupKind.group ? `${groupKind.kind}.${groupKind.group}` : groupKind.kind;
    const lines = errors.map((e) => `${e.field}: ${e.message}`);
    const summary = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
    const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
    return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      name,
      group: groupKind.group || undefined,
      kind: groupKind.kind,
      causes,
    });
  }

  static methodNotAllowed(verb: string, resource: string): StatusError {
    return new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${resource}"`);
  }

  static unsupportedMediaType(message: string): StatusError {
    return new StatusError(415, 'UnsupportedMediaType', message);
  }

  static notAcceptable(message: string): StatusError {
    return new StatusError(406, 'NotAcceptable', message);
  }

  static tooLarge(message: string): StatusError {
    return new StatusError(413, 'RequestEntityTooLarge', message);
  }

  static internal(message: string): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);
  }

  static unavailable(message: string): StatusError {
    return new StatusError(503, 'ServiceUnavailable', message);
  }
}

export interface GroupResource {
  group: string;
  resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function detailsOf(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { kind: gr.resource };
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  return d;
}

/** Field error constructors with upstream message text (apimachinery util/validation/field). */
export const fieldError = {
  invalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueInvalid', field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
  },
  notSupported(field: string, value: unknown, supported: unknown[]): FieldError {
    const list = supported.map((s) => formatValue(s)).join(', ');
    return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${formatValue(value)}: supported values: ${list}` };
  },
  required(field: string, detail = ''): FieldError {
    return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
  },
  forbidden(field: string, detail: string): FieldError {
    return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
  },
  duplicate(field: string, value: unknown): FieldError {
    return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
  },
  tooLong(field: string, value: unknown, max: number): FieldError {
    return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` };
  },
  tooMany(field: string, actual: number, max: number): FieldError {
    return { type: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
  },
};

/** Go's %#v-like rendering used in field error messages: strings quoted, numbers bare. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(formatValue).join(', ')}}`;
  return `"${typeof value === 'object' ? 'object' : String(value)}"`;
}

/** Normalise anything thrown into a StatusError (the boundary rule). */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return StatusError.internal(message);
}

/** Rebuild a StatusError from a Status received over the wire (clients). */
export function fromStatus(status: Partial<Status>, httpCode: number): StatusError {
  return new StatusError(status.code ?? httpCode, (status.reason as StatusReason) ?? 'InternalError', status.message ?? `HTTP ${httpCode}`, status.details);
}
