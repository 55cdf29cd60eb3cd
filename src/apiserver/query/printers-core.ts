/** Built-in printers for core, networking, storage, policy and coordination kinds. */
import type { KubeObject } from '../../kube/types.ts';
import { translateTimestampSince } from './duration.ts';
import { formatLabels, formatLabelSelector } from './labels.ts';
import type { Printer } from './printer-util.ts';
import { age, ageColumn, at, count, int, intOrString, list, loadBalancerIngress, map, str } from './printer-util.ts';
import { column, nameColumn } from './table.ts';

type Obj = Record<string, unknown>;
const name = (obj: KubeObject): string => obj.metadata?.name ?? '';
const simple = (extra: Array<[string, string, string]>, cells: (obj: KubeObject) => unknown[]): Printer => ({
  columns: [nameColumn(), ...extra.map(([n, t, d]) => column(n, t as never, d)), ageColumn()],
  row: (obj, now) => ({ cells: [name(obj), ...cells(obj), age(obj, now)] }),
});

const configMap = simple([['Data', 'string', 'Data contains the configuration data.']], (obj) => [count(obj, 'data') + count(obj, 'binaryData')]);
const secret = simple(
  [
    ['Type', 'string', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'],
    ['Data', 'string', 'Data contains the secret data.'],
  ],
  (obj) => [str(obj, 'type'), count(obj, 'data')],
);
const namespace = simple([['Status', 'string', 'The status of the namespace']], (obj) => [str(obj, 'status.phase')]);
const serviceAccount = simple([['Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.']], (obj) => [count(obj, 'secrets')]);
const lease = simple([['Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.']], (obj) => [str(obj, 'spec.holderIdentity')]);
const networkPolicy = simple([['Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.']], (obj) => [formatLabelSelector((at(obj, 'spec.podSelector') ?? {}) as never)]);
const priorityClass = simple(
  [
    ['Value', 'integer', 'value represents the integer value of this priority class.'],
    ['Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'],
  ],
  (obj) => [int(obj, 'value'), at(obj, 'globalDefault') === true],
);
const podDisruptionBudget = simple(
  [
    ['Min Available', 'string', 'The minimum number of pods that must be available.'],
    ['Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'],
    ['Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'],
  ],
  (obj) => [
    at(obj, 'spec.minAvailable') === undefined ? 'N/A' : intOrString(at(obj, 'spec.minAvailable')),
    at(obj, 'spec.maxUnavailable') === undefined ? 'N/A' : intOrString(at(obj, 'spec.maxUnavailable')),
    int(obj, 'status.disruptionsAllowed'),
  ],
);

function isDefaultClass(obj: KubeObject): boolean {
  const a = obj.metadata?.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

const storageClass: Printer = {
  columns: [
    nameColumn(),
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn(),
  ],
  row: (obj, now) => ({
    cells: [
      isDefaultClass(obj) ? `${name(obj)} (default)` : name(obj),
      str(obj, 'provisioner'),
      str(obj, 'reclaimPolicy', 'Delete'),
      str(obj, 'volumeBindingMode', 'Immediate'),
      at(obj, 'allowVolumeExpansion') === true,
      age(obj, now),
    ],
  }),
};

function externalIP(obj: KubeObject): string {
  const external = (at(obj, 'spec.externalIPs') as string[] | undefined) ?? [];
  switch (str(obj, 'spec.type')) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(obj);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(obj, 'spec.externalName');
    default:
      return '<unknown>';
  }
}

function servicePorts(obj: KubeObject): string {
  const ports = list(obj, 'spec.ports').map((p) => {
    const nodePort = typeof p.nodePort === 'number' && p.nodePort > 0 ? `:${p.nodePort}` : '';
    return `${int(p, 'port')}${nodePort}/${str(p, 'protocol', 'TCP')}`;
  });
  return ports.join(',') || '<none>';
}

const service: Printer = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn(),
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  row: (obj, now) => ({
    cells: [
      name(obj),
      str(obj, 'spec.type'),
      (at(obj, 'spec.clusterIPs') as string[] | undefined)?.[0] ?? (str(obj, 'spec.clusterIP') || '<none>'),
      externalIP(obj),
      servicePorts(obj),
      age(obj, now),
      formatLabels(at(obj, 'spec.selector') as Record<string, string> | undefined),
    ],
  }),
};

function formatEndpoints(obj: KubeObject): string {
  const subsets = list(obj, 'subsets');
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let total = 0;
  const add = (text: string) => {
    total++;
    if (shown.length < 3) shown.push(text);
  };
  for (const ss of subsets) {
    const addresses = list(ss, 'addresses');
    const ports = list(ss, 'ports');
    if (ports.length === 0) addresses.forEach((a) => add(str(a, 'ip')));
    for (const p of ports) addresses.forEach((a) => add(str(a, 'ip').includes(':') ? `[${str(a, 'ip')}]:${int(p, 'port')}` : `${str(a, 'ip')}:${int(p, 'port')}`));
  }
  return total > 3 ? `${shown.join(',')} + ${total - 3} more...` : shown.join(',');
}

const endpoints = simple([['Endpoints', 'string', 'The set of all endpoints is the union of all subsets.']], (obj) => [formatEndpoints(obj)]);

function formatHosts(rules: Obj[]): string {
  const hosts = rules.map((r) => str(r, 'host')).filter(Boolean);
  if (hosts.length === 0) return '*';
  return rules.length > 3 ? `${hosts.slice(0, 3).join(',')} + ${rules.length - 3} more...` : hosts.slice(0, 3).join(',');
}

const ingress: Printer = {
  columns: [
    nameColumn(),
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn(),
  ],
  row: (obj, now) => ({
    cells: [name(obj), str(obj, 'spec.ingressClassName', '<none>'), formatHosts(list(obj, 'spec.rules')), loadBalancerIngress(obj), list(obj, 'spec.tls').length ? '80, 443' : '80', age(obj, now)],
  }),
};

function accessModes(modes: unknown): string {
  const set = new Set(Array.isArray(modes) ? modes : []);
  const short: Array<[string, string]> = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
  return short.filter(([mode]) => set.has(mode)).map(([, s]) => s).join(',');
}

const persistentVolumeClaim: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  row: (obj, now) => {
    const bound = str(obj, 'spec.volumeName') !== '';
    const storageClass = obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(obj, 'spec.storageClassName');
    return {
      cells: [
        name(obj),
        obj.metadata?.deletionTimestamp ? 'Terminating' : str(obj, 'status.phase'),
        str(obj, 'spec.volumeName'),
        bound ? String(map(obj, 'status.capacity').storage ?? '') : '',
        bound ? accessModes(at(obj, 'status.accessModes')) : '',
        storageClass,
        str(obj, 'spec.volumeAttributesClassName', '<unset>'),
        age(obj, now),
        str(obj, 'spec.volumeMode', '<unset>'),
      ],
    };
  },
};

function eventRow(obj: KubeObject, now: number): unknown[] {
  const first = str(obj, 'firstTimestamp') ? translateTimestampSince(str(obj, 'firstTimestamp'), now) : translateTimestampSince(str(obj, 'eventTime'), now);
  let last = str(obj, 'lastTimestamp') ? translateTimestampSince(str(obj, 'lastTimestamp'), now) : first;
  let events = int(obj, 'count');
  if (at(obj, 'series')) {
    last = translateTimestampSince(str(obj, 'series.lastObservedTime'), now);
    events = int(obj, 'series.count');
  } else if (events === 0) events = 1;
  const kind = str(obj, 'involvedObject.kind').toLowerCase();
  const target = str(obj, 'involvedObject.name') ? `${kind}/${str(obj, 'involvedObject.name')}` : kind;
  const component = str(obj, 'source.component') || str(obj, 'reportingComponent');
  const host = str(obj, 'source.host') || str(obj, 'reportingInstance');
  const source = host ? `${component}, ${host}` : component;
  return [last, str(obj, 'type'), str(obj, 'reason'), target, str(obj, 'involvedObject.fieldPath'), source, str(obj, 'message').trim(), first, events, name(obj)];
}

const event: Printer = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', 1),
    column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    column('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...nameColumn(), priority: 1 },
  ],
  row: (obj, now) => ({ cells: eventRow(obj, now) }),
};

export { configMap, secret, namespace, serviceAccount, lease, networkPolicy, priorityClass, podDisruptionBudget, storageClass, service, endpoints, ingress, persistentVolumeClaim, event };
