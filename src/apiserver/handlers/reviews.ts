import type { KubeObject } from '../../kube/index.ts';
import type { RequestContext } from '../context.ts';
import type { ResourceDef } from '../resource.ts';

const READ_VERBS = new Set(['get', 'list', 'watch']);

/**
 * Create-only review kinds are answered, never stored (kubectl auth can-i, kubectl auth whoami).
 * Returns undefined for any other kind.
 */
export function answerReview(ctx: RequestContext, def: ResourceDef, body: KubeObject): KubeObject | undefined {
  if (def.group === 'authorization.k8s.io' && def.kind === 'SelfSubjectAccessReview') {
    const attrs = ((body.spec as { resourceAttributes?: { verb?: string } } | undefined)?.resourceAttributes ?? {}) as { verb?: string };
    const allowed = !ctx.user.readOnly || READ_VERBS.has(attrs.verb ?? '');
    return { ...body, metadata: { ...body.metadata, creationTimestamp: null }, status: allowed ? { allowed: true, reason: 'platform-admin-system' } : { allowed: false, reason: 'read-only user' } };
  }
  if (def.group === 'authentication.k8s.io' && def.kind === 'SelfSubjectReview') {
    return { ...body, metadata: { ...body.metadata, creationTimestamp: null }, status: { userInfo: { username: ctx.user.name, groups: ctx.user.groups } } };
  }
  return undefined;
}
