/**
 * The one error type of the chart repository. It answers in the Kubernetes Status shape and also carries
 * ChartMuseum's `error` field, so `helm cm-push`, curl users and platform clients all read the message.
 */
import type { StatusReason } from '../kube/index.ts';

export class ChartError extends Error {
  readonly code: number;
  readonly reason: StatusReason;

  constructor(code: number, reason: StatusReason, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  /** The response body: a Status plus ChartMuseum's `{"error": …}`. */
  toBody(): Record<string, unknown> {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code, error: this.message };
  }
}

/** Any thrown value as a ChartError (unexpected ones become 500 InternalError). */
export function asChartError(err: unknown): ChartError {
  if (err instanceof ChartError) return err;
  return new ChartError(500, 'InternalError', `chart repository error: ${(err as Error)?.message ?? String(err)}`);
}
