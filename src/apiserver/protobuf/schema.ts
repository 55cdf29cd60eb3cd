import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { Root, Type } from 'protobufjs';

/** Where the trimmed upstream schema lives (see README.md for its provenance). */
const PROTO_FILE = new URL('./k8s.proto', import.meta.url);

/**
 * Parses proto text that holds several upstream packages into one resolved Root. protobufjs
 * accepts a single `package` statement per parse, so the text is cut before each one.
 */
export function parseSchema(text: string): Root {
  const root = new protobuf.Root();
  for (const section of text.split(/^(?=package )/m)) {
    protobuf.parse(section, root, { keepCase: true });
  }
  root.resolveAll();
  return root;
}

let cached: Root | undefined;

/**
 * The parsed schema of {@link PROTO_FILE}. Parsed once on first use: it is immutable data,
 * and parsing costs ~20 ms, too much for every request body.
 */
export function schema(): Root {
  cached ??= parseSchema(readFileSync(PROTO_FILE, 'utf8'));
  return cached;
}

/** Looks a message up by its fully qualified name (`k8s.io.api.core.v1.Secret`). */
export function messageType(fullName: string): Type {
  return schema().lookupType(fullName);
}
