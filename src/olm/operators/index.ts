import type { KubeClient } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import { createArtifactVersionCatalogs } from './catalog-operator-catalogs.ts';
import { createCatalogOperator } from './catalog-operator.ts';
import { createInstallPlanExecutor } from './installplan.ts';
import { createOlmOperator } from './olm-operator.ts';

export { createCatalogOperator } from './catalog-operator.ts';
export { createArtifactVersionCatalogs } from './catalog-operator-catalogs.ts';
export { createInstallPlanExecutor } from './installplan.ts';
export { createOlmOperator } from './olm-operator.ts';

/**
 * Starts OLM for one cluster — catalog operator (Subscriptions → InstallPlans), InstallPlan executor and
 * OLM operator (CSVs) — all talking to the cluster through `kube`, bundles pulled through `registry`.
 */
export async function startOlm(opts: { kube: KubeClient; registry: RegistryClient; signal: AbortSignal; onError?: (what: string, err: unknown) => void }): Promise<void> {
  const { kube, registry, signal } = opts;
  const catalogs = createArtifactVersionCatalogs(kube, signal);
  await catalogs.start();
  const report = (what: string) => (key: string, err: unknown) => opts.onError?.(`${what} ${key}`, err);
  const catalogOperator = createCatalogOperator({ kube, signal, catalogs: () => catalogs.catalogs(), onCatalogsChanged: (l) => catalogs.onChange(l), onError: report('catalog-operator') });
  const executor = createInstallPlanExecutor({ kube, registry, signal, onError: report('installplan') });
  const olm = createOlmOperator({ kube, signal, onError: report('olm-operator') });
  await Promise.all([catalogOperator.start(), executor.start(), olm.start()]);
}
