import { DEAD_LETTER_PREFIX, InvalidSubjectError, STREAM_SUBJECTS, type StreamName } from '../bus.port';

const TOKEN = /^[^\s.*>]+$/;
const NAME = /^[A-Za-z0-9_-]+$/;

/** The stream that stores `subject`; throws {@link InvalidSubjectError} when it is no concrete subject under a root. */
export function streamOfSubject(subject: string): StreamName {
  for (const stream of Object.keys(STREAM_SUBJECTS) as StreamName[]) {
    const root = `${STREAM_SUBJECTS[stream]}.`;
    if (subject.startsWith(root)) {
      const rest = subject.slice(root.length).split('.');
      if (!rest.every((t) => TOKEN.test(t))) {
        throw new InvalidSubjectError(subject, 'tokens must be non-empty, without spaces or wildcards');
      }
      return stream;
    }
  }
  throw new InvalidSubjectError(subject, `must start with "${STREAM_SUBJECTS.events}." or "${STREAM_SUBJECTS.tasks}."`);
}

/** Checks that `filter` (wildcards allowed) lies under the root of `stream`. */
export function assertFilter(stream: StreamName, filter: string): void {
  const root = `${STREAM_SUBJECTS[stream]}.`;
  if (!filter.startsWith(root)) {
    throw new InvalidSubjectError(filter, `a filter of the ${stream} stream must start with "${root}"`);
  }
  const rest = filter.slice(root.length).split('.');
  rest.forEach((t, i) => {
    const ok = t === '*' || (t === '>' && i === rest.length - 1) || TOKEN.test(t);
    if (!ok) throw new InvalidSubjectError(filter, `bad token "${t}"`);
  });
}

/** Results of {@link subjectMatches}: subjects repeat (they carry no ids), so most checks are a lookup. */
const matchMemo = new Map<string, Map<string, boolean>>();
const MEMO_LIMIT = 4096;

/** True when the concrete `subject` matches `filter` (NATS `*` and `>` wildcards). */
export function subjectMatches(filter: string, subject: string): boolean {
  let byFilter = matchMemo.get(filter);
  if (!byFilter) {
    if (matchMemo.size >= MEMO_LIMIT) matchMemo.clear();
    matchMemo.set(filter, (byFilter = new Map()));
  }
  let r = byFilter.get(subject);
  if (r === undefined) {
    r = tokensMatch(filter, subject);
    if (byFilter.size >= MEMO_LIMIT) byFilter.clear();
    byFilter.set(subject, r);
  }
  return r;
}

function tokensMatch(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** True when every subject matched by `inner` is matched by `outer` (NATS subset match). */
export function filterContains(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let k = 0; k < o.length; k++) {
    if (o[k] === '>') return i.length > k;
    if (k >= i.length || i[k] === '>') return false;
    if (o[k] !== '*' && (i[k] === '*' || o[k] !== i[k])) return false;
  }
  return o.length === i.length;
}

/**
 * True when NATS refuses these two filters on one work queue: one contains the other.
 * (Filters that only partly overlap, such as `a.*.y` and `a.x.>`, are accepted by the
 * server; avoid them, a task matching both goes to whichever consumer pulls first.)
 */
export function filtersCollide(a: string, b: string): boolean {
  return filterContains(a, b) || filterContains(b, a);
}

/** The dead-letter subject of `subject`: `saber.events.dlq.<subject>`. */
export function deadLetterSubject(subject: string): string {
  return `${DEAD_LETTER_PREFIX}.${subject}`;
}

/** True for a dead letter (those are never dead-lettered again). */
export function isDeadLetterSubject(subject: string): boolean {
  return subject.startsWith(`${DEAD_LETTER_PREFIX}.`);
}

/** Checks a durable, bucket or namespace name: letters, digits, `-` and `_` only. */
export function assertName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new InvalidSubjectError(name, `a ${kind} name may hold only letters, digits, "-" and "_"`);
  }
}
