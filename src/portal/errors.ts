/** The portal's one error type: an HTTP status, a machine-readable reason and a message for people. */
export type PortalReason = 'BadRequest' | 'Unauthorized' | 'TokenExpired' | 'NotFound' | 'RangeNotSatisfiable' | 'InternalError';

const STATUS: Record<PortalReason, number> = { BadRequest: 400, Unauthorized: 401, TokenExpired: 401, NotFound: 404, RangeNotSatisfiable: 416, InternalError: 500 };

export class PortalError extends Error {
  readonly reason: PortalReason;
  readonly status: number;

  constructor(reason: PortalReason, message: string) {
    super(message);
    this.reason = reason;
    this.status = STATUS[reason];
  }
}

export const badRequest = (message: string) => new PortalError('BadRequest', message);
export const notFound = (message: string) => new PortalError('NotFound', message);

/** The JSON body of every error answer: `{reason, message}`. */
export function errorBody(err: unknown): { status: number; body: { reason: PortalReason; message: string } } {
  if (err instanceof PortalError) return { status: err.status, body: { reason: err.reason, message: err.message } };
  return { status: 500, body: { reason: 'InternalError', message: `portal error: ${(err as Error).message ?? String(err)}` } };
}
