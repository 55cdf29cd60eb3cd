import { posix } from 'node:path';

/**
 * Whether `path` is ignored by one of the `.indexignore` files (gitignore-like, olm.md §5.1), each applying to
 * its own directory: `#` comments, `*` and `?` within a segment, `**` across segments, a leading `/` anchors to
 * that directory, a pattern without `/` matches a name at any depth, `!` re-includes.
 * @example ignoredBy([{ path: '.indexignore', content: '*.md\n' }], 'etcd/README.md') // true (not a catalog file anyway)
 */
export function ignoredBy(ignores: { path: string; content: string }[], path: string): boolean {
  let ignored = false;
  for (const file of ignores) {
    const dir = posix.dirname(file.path) === '.' ? '' : `${posix.dirname(file.path)}/`;
    if (!path.startsWith(dir)) continue;
    const rel = path.slice(dir.length);
    for (const raw of file.content.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/\/$/, '');
      if (matches(pattern, rel)) ignored = !negate;
    }
  }
  return ignored;
}

function matches(pattern: string, rel: string): boolean {
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  const re = globToRegExp(pattern.replace(/^\//, ''));
  const segments = rel.split('/');
  // A directory pattern also ignores everything below it.
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    if (re.test(prefix)) return true;
    if (!anchored && re.test(segments[i - 1])) return true;
  }
  return false;
}

function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
