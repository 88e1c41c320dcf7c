/** A piece of a string that may contain CWL expressions. */
export type ExpressionSegment =
  | { kind: 'text'; text: string }
  /** `$( ... )`: `code` is the inside of the parentheses. */
  | { kind: 'paren'; code: string; raw: string }
  /** `${ ... }`: `code` is a function body. */
  | { kind: 'brace'; code: string; raw: string };

/**
 * Splits `text` into literal text and `$( ... )` / `${ ... }` expressions, matching
 * brackets while skipping JavaScript string literals. Backslashes in literal text
 * follow CWL v1.1+ (and cwltool): `\$(` / `\${` stand for `$(` / `${`, `\\` for
 * one backslash, and any other backslash is kept with the character after it.
 */
export function scanExpressions(text: string): ExpressionSegment[] {
  const out: ExpressionSegment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '$' && (text[i + 2] === '(' || text[i + 2] === '{')) {
      literal += text.slice(i + 1, i + 3);
      i += 3;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      literal += text[i + 1] === '\\' ? '\\' : text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const end = matchClose(text, i + 1);
      if (end < 0) {
        literal += text.slice(i);
        break;
      }
      if (literal) out.push({ kind: 'text', text: literal });
      literal = '';
      const raw = text.slice(i, end + 1);
      out.push({ kind: text[i + 1] === '(' ? 'paren' : 'brace', code: text.slice(i + 2, end), raw });
      i = end + 1;
      continue;
    }
    literal += c;
    i++;
  }
  if (literal) out.push({ kind: 'text', text: literal });
  return out;
}

/** True when `text` contains at least one unescaped expression. */
export function hasExpression(text: string): boolean {
  return text.includes('$') && scanExpressions(text).some((s) => s.kind !== 'text');
}

const CLOSE: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/** Index of the bracket closing the one at `open`, or -1. */
function matchClose(text: string, open: number): number {
  const stack: string[] = [CLOSE[text[open]]];
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
    } else if (CLOSE[c]) stack.push(CLOSE[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
    i++;
  }
  return -1;
}
