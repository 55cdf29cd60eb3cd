/** Schemas shared by this directory's tests (built-in style and CRD style). */
import type { JSONSchemaProps } from '../resource.ts';

const str: JSONSchemaProps = { type: 'string' };

/** ConfigMap: `data` is a declared field holding a granular string map. */
export const CONFIGMAP: JSONSchemaProps = {
  type: 'object',
  properties: { data: { type: 'object', additionalProperties: str }, binaryData: { type: 'object', additionalProperties: str } },
};

const container: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: str,
    image: str,
    args: { type: 'array', items: str },
    env: { type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', items: { type: 'object', properties: { name: str, value: str } } },
    ports: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      items: { type: 'object', properties: { containerPort: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
    },
  },
};

/** Deployment as the built-in OpenAPI describes it: containers merge by `name`. */
export const DEPLOYMENT: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { matchLabels: { type: 'object', additionalProperties: str } } },
        template: {
          type: 'object',
          properties: {
            metadata: { type: 'object', properties: { labels: { type: 'object', additionalProperties: str } } },
            spec: {
              type: 'object',
              properties: { containers: { type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', items: container } },
            },
          },
        },
      },
    },
  },
};

/** A CRD schema: `items` has no list type (atomic), `ports` is a map list, `tags` a set. */
export const WIDGET: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        items: { type: 'array', items: { type: 'object', properties: { name: str, v: str } } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: str, port: { type: 'integer' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: str },
        config: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: str },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { phase: str } },
  },
};
