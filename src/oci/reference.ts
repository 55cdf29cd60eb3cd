import { OciError } from './errors.ts';

/** A parsed image reference. `registry` is a host with optional port, e.g. `docker.io`, `127.0.0.1:5000`. */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';

// distribution-spec / distribution/reference grammar.
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HOST_LABEL = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?$`);
const MAX_NAME = 255;

/**
 * Parses an image reference the way containers/image and docker do: the first path component is a
 * registry when it contains `.` or `:`, is `localhost`, or has upper case; otherwise the registry is
 * docker.io and one-component names get `library/`. Without tag and digest, the tag is `latest`.
 *
 * @example
 * parseReference('nginx')                          // { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }
 * parseReference('127.0.0.1:5000/team/app:v1')     // { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' }
 * parseReference('localhost/app@sha256:…')         // digest set, no tag
 */
export function parseReference(text: string): ImageReference {
  const fail = (why: string): never => {
    throw new OciError('INVALID_REFERENCE', `invalid image reference "${text}": ${why}`);
  };
  if (!text || text !== text.trim()) fail('it is empty or has surrounding spaces');
  let rest = text.replace(/^docker:\/\//, '');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) fail(`digest "${digest}" is not <algorithm>:<hex>`);
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) fail('a sha256 digest has 64 lower-case hex characters');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) fail(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  }
  const { registry, repository } = splitRegistry(rest, fail);
  if (!NAME_RE.test(repository)) fail(`repository "${repository}" must be lower-case path components of [a-z0-9] separated by '.', '_', '__' or '-'`);
  if (registry.length + 1 + repository.length > MAX_NAME) fail(`the name is longer than ${MAX_NAME} characters`);
  if (!tag && !digest) tag = DEFAULT_TAG;
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function splitRegistry(name: string, fail: (why: string) => never): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[') || first !== first.toLowerCase());
  if (!isRegistry) {
    if (!name) fail('the repository name is empty');
    return { registry: DEFAULT_REGISTRY, repository: name.includes('/') ? name : `library/${name}` };
  }
  if (!DOMAIN_RE.test(first)) fail(`registry "${first}" is not a host name, IPv4 or [IPv6] address with optional :port`);
  const port = first.match(/:(\d+)$/)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) fail(`port ${port} is out of range`);
  const host = first === 'index.docker.io' || first === 'registry-1.docker.io' ? DEFAULT_REGISTRY : first;
  let repository = name.slice(slash + 1);
  if (host === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
  return { registry: host, repository };
}

/**
 * The canonical text of a reference. @example formatReference({ registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }) // 'docker.io/library/nginx:latest'
 */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Validates a repository name alone (e.g. `team/app`). Throws INVALID_REFERENCE. */
export function assertRepository(repository: string): void {
  if (!NAME_RE.test(repository) || repository.length > MAX_NAME) {
    throw new OciError('INVALID_REFERENCE', `invalid repository name "${repository}": use lower-case path components of [a-z0-9] separated by '.', '_', '__' or '-'`);
  }
}

/** Validates a tag or digest used as a manifest reference. */
export function assertManifestRef(ref: string): void {
  if (!TAG_RE.test(ref) && !DIGEST_RE.test(ref)) throw new OciError('INVALID_REFERENCE', `invalid tag or digest "${ref}"`);
}

/** The URL authority for a registry host: docker.io is served by registry-1.docker.io. */
export function registryEndpoint(registry: string): string {
  return registry === DEFAULT_REGISTRY ? 'registry-1.docker.io' : registry;
}
