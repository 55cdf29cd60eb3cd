import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PlatformProcess, ok, tempFile } from './harness.ts';

const p = new PlatformProcess();
before(() => p.start());
after(async () => {
  await p.stop();
  p.cleanup();
});

async function ownerWithDependents(name: string): Promise<void> {
  ok(await p.kubectl(['create', 'configmap', name, '--from-literal=a=b']), 'owner');
  const uid = ok(await p.kubectl(['get', 'cm', name, '-o', 'jsonpath={.metadata.uid}']), 'uid');
  for (const i of [1, 2]) {
    const dep = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-dep${i}
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: ${name}, uid: ${uid}, blockOwnerDeletion: true}
data: {x: "y"}
`;
    ok(await p.kubectl(['apply', '-f', tempFile(`dep${i}.yaml`, dep)]), 'dependent');
  }
}

async function waitGone(name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await p.kubectl(['get', 'cm', name])).code !== 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${name} still exists`);
}

test('background deletion removes dependents', async () => {
  await ownerWithDependents('bg');
  ok(await p.kubectl(['delete', 'cm', 'bg', '--cascade=background']), 'delete');
  await waitGone('bg-dep1');
  await waitGone('bg-dep2');
});

test('foreground deletion removes dependents before the owner', async () => {
  await ownerWithDependents('fg');
  ok(await p.kubectl(['delete', 'cm', 'fg', '--cascade=foreground', '--timeout=20s']), 'delete');
  await waitGone('fg');
  await waitGone('fg-dep1');
  await waitGone('fg-dep2');
});

test('orphan deletion keeps dependents without the owner reference', async () => {
  await ownerWithDependents('or');
  ok(await p.kubectl(['delete', 'cm', 'or', '--cascade=orphan', '--timeout=20s']), 'delete');
  await waitGone('or');
  const refs = ok(await p.kubectl(['get', 'cm', 'or-dep1', '-o', 'jsonpath={.metadata.ownerReferences}']), 'dep');
  assert.equal(refs, '');
});
