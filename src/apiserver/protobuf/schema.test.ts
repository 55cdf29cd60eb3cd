import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema, messageType } from './schema.ts';
import { protobufKinds, protobufTypeNameFor } from './kinds.ts';

describe('schema', () => {
  it('parses one text holding several packages into one root', () => {
    const root = parseSchema('syntax = "proto2";\npackage a.b;\nmessage X { optional c.Y y = 1; }\npackage c;\nmessage Y { optional string s = 1; }\n');
    assert.equal(root.lookupType('a.b.X').fields.y.resolvedType?.fullName, '.c.Y');
  });

  it('resolves a message for every kind we claim to decode', () => {
    for (const entry of protobufKinds()) {
      const slash = entry.lastIndexOf('/');
      const apiVersion = entry.slice(0, slash);
      const kind = entry.slice(slash + 1);
      const name = protobufTypeNameFor(apiVersion === '*' ? 'v1' : apiVersion, kind);
      assert.ok(name, entry);
      assert.ok(messageType(name).fields.metadata || kind.endsWith('Options'), `${entry} has metadata`);
    }
  });

  it('keeps upstream field numbers of the envelope and ObjectMeta', () => {
    const unknown = messageType('k8s.io.apimachinery.pkg.runtime.Unknown');
    assert.deepEqual(unknown.fieldsArray.map((f) => [f.name, f.id]), [['typeMeta', 1], ['raw', 2], ['contentEncoding', 3], ['contentType', 4]]);
    const meta = messageType('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal(meta.fields.creationTimestamp.id, 8);
    assert.equal(meta.fields.managedFields.id, 17);
  });

  it('maps options kinds to meta/v1 whatever group version sent them', () => {
    assert.equal(protobufTypeNameFor('v1', 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    assert.equal(protobufTypeNameFor('apps/v1', 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    assert.equal(protobufTypeNameFor('v1', 'Widget'), undefined);
    assert.equal(protobufTypeNameFor('v1', 'toString'), undefined);
  });
});
