import type { KubeClient } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import type { CatalogSourceContent } from '../catalogsource/index.ts';
import type { Catalog } from '../model.ts';
import { createArtifactVersionCatalogs } from './catalog-operator-catalogs.ts';
import { createCatalogOperator } from './catalog-operator.ts';
import { createInstallPlanExecutor } from './installplan.ts';
import { createOlmOperator } from './olm-operator.ts';
import { createOperatorAggregation } from './operator-aggregation.ts';

export { createCatalogOperator } from './catalog-operator.ts';
export { createArtifactVersionCatalogs } from './catalog-operator-catalogs.ts';
export { createInstallPlanExecutor } from './installplan.ts';
export { createOlmOperator } from './olm-operator.ts';
export { createOperatorAggregation, componentLabelKey } from './operator-aggregation.ts';

/**
 * Starts OLM for one cluster — catalog operator (Subscriptions → InstallPlans), InstallPlan executor and
 * OLM operator (CSVs) — all talking to the cluster through `kube`, bundles pulled through `registry`.
 * `images` (src/olm/catalogsource) adds the catalogs of CatalogSources with `spec.image`, in any namespace.
 */
export async function startOlm(opts: { kube: KubeClient; registry: RegistryClient; signal: AbortSignal; images?: CatalogSourceContent; onError?: (what: string, err: unknown) => void }): Promise<void> {
  const { kube, registry, signal, images } = opts;
  const catalogs = createArtifactVersionCatalogs(kube, signal);
  await catalogs.start();
  const report = (what: string) => (key: string, err: unknown) => opts.onError?.(`${what} ${key}`, err);
  const allCatalogs = (): Catalog[] => {
    const pulled = images?.catalogs() ?? [];
    if (!pulled.length) return catalogs.catalogs();
    const key = (c: Catalog) => `${c.sourceNamespace}/${c.source}`;
    const taken = new Set(pulled.map(key));
    return [...catalogs.catalogs().filter((c) => !taken.has(key(c))), ...pulled];
  };
  const onCatalogsChanged = (l: Parameters<typeof catalogs.onChange>[0]) => {
    catalogs.onChange(l);
    images?.onChange(l);
  };
  const catalogOperator = createCatalogOperator({ kube, signal, catalogs: allCatalogs, onCatalogsChanged, onError: report('catalog-operator') });
  const executor = createInstallPlanExecutor({ kube, registry, signal, onError: report('installplan') });
  const olm = createOlmOperator({ kube, signal, onError: report('olm-operator') });
  const operators = createOperatorAggregation({ kube, signal, onError: report('operator-aggregation') });
  await Promise.all([catalogOperator.start(), executor.start(), olm.start(), operators.start()]);
}
