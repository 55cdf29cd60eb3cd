/** Cluster plugins: ModulePlugin (now), ModuleConfig/ModuleInfo and their controllers (plugins issue). */
export { MODULE_PLUGIN_CRD, GLOBAL_PLUGIN_CRDS } from './crds.ts';
