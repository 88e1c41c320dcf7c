import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

/**
 * Expands a glob (`*`, `?`, `[...]`, `**` for any depth) relative to `root`;
 * an absolute pattern under `root` is made relative first. Returns absolute
 * paths of matching files and directories, sorted, excluding dotfiles unless
 * the pattern segment starts with a dot. A pattern without wildcards matches
 * the path if it exists.
 */
export async function glob(pattern: string, root: string): Promise<string[]> {
  let p = pattern;
  if (isAbsolute(p)) {
    const rel = relative(root, p);
    if (rel.startsWith('..')) return [];
    p = rel;
  }
  if (p === '.' || p === '') return [root];
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  const out = new Set<string>();
  await walk(root, segments, out);
  return [...out].sort();
}

async function walk(dir: string, segments: string[], out: Set<string>): Promise<void> {
  if (segments.length === 0) {
    out.add(dir);
    return;
  }
  const [head, ...rest] = segments;
  if (head === '**') {
    await walk(dir, rest, out);
    for (const e of await entries(dir)) if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(dir, e.name), segments, out);
    return;
  }
  if (!/[*?[]/.test(head)) {
    const list = await entries(dir);
    const hit = list.find((e) => e.name === head);
    if (hit && (rest.length === 0 || hit.isDirectory() || hit.isSymbolicLink())) await walk(join(dir, head), rest, out);
    return;
  }
  const re = segmentRegExp(head);
  for (const e of await entries(dir)) {
    if (e.name.startsWith('.') && !head.startsWith('.')) continue;
    if (re.test(e.name) && (rest.length === 0 || e.isDirectory() || e.isSymbolicLink())) await walk(join(dir, e.name), rest, out);
  }
}

async function entries(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
