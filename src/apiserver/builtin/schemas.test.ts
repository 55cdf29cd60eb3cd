import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../resource.ts';
import { builtinSchema, hasBuiltinDefinition, resolveBuiltinDefinition } from './schemas.ts';

test('PodSpec.containers carries strategic-merge metadata (merge key name)', () => {
  const containers = resolveBuiltinDefinition('io.k8s.api.core.v1.PodSpec').properties?.containers;
  assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers?.['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers?.items?.properties?.image?.type, 'string');
});

test('Deployment schema is resolved down to container ports with list-map keys', () => {
  const deploy = builtinSchema('apps', 'v1', 'Deployment');
  const ports = deploy.properties?.spec?.properties?.template?.properties?.spec?.properties?.containers?.items?.properties?.ports;
  assert.deepEqual(ports?.['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(ports?.['x-kubernetes-list-type'], 'map');
  assert.equal(deploy.properties?.metadata?.properties?.name?.type, 'string');
});

test('apimachinery special types become int-or-string and date-time', () => {
  const svcPort = resolveBuiltinDefinition('io.k8s.api.core.v1.ServicePort');
  assert.equal(svcPort.properties?.targetPort?.['x-kubernetes-int-or-string'], true);
  const meta = resolveBuiltinDefinition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(meta.properties?.creationTimestamp?.format, 'date-time');
});

test('recursive JSONSchemaProps is cut by the cycle guard', () => {
  const crd = builtinSchema('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition');
  const versions = crd.properties?.spec?.properties?.versions;
  const schemaProps = versions?.items?.properties?.schema?.properties?.openAPIV3Schema;
  const nested = schemaProps?.properties?.properties?.additionalProperties as JSONSchemaProps | undefined;
  assert.equal(nested?.['x-kubernetes-preserve-unknown-fields'], true);
  assert.equal(schemaProps?.properties?.['x-kubernetes-preserve-unknown-fields']?.type, 'boolean');
  assert.ok(crd.properties?.spec?.properties?.versions, 'v1 CRD spec has versions');
  assert.equal(crd.properties?.spec?.properties?.validation, undefined, 'v1beta1-only field removed');
});

test('overlay adds fields newer than the vendored base', () => {
  const ingress = builtinSchema('networking.k8s.io', 'v1', 'Ingress');
  assert.equal(ingress.properties?.spec?.properties?.ingressClassName?.type, 'string');
  const backend = ingress.properties?.spec?.properties?.defaultBackend?.properties;
  assert.equal(backend?.service?.properties?.port?.properties?.number?.type, 'integer');
  assert.equal(builtinSchema('batch', 'v1', 'CronJob').properties?.spec?.properties?.timeZone?.type, 'string');
  assert.ok(hasBuiltinDefinition('authentication.k8s.io', 'v1', 'SelfSubjectReview'));
});

test('unknown kinds get a permissive schema and resolved schemas are frozen', () => {
  assert.equal(hasBuiltinDefinition('example.com', 'v1', 'Nope'), false);
  assert.equal(builtinSchema('example.com', 'v1', 'Nope')['x-kubernetes-preserve-unknown-fields'], true);
  assert.ok(Object.isFrozen(builtinSchema('', 'v1', 'ConfigMap')));
});
