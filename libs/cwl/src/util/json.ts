/** True for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep copy of a JSON value. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The local name of a CWL identifier: `file.cwl#main/step/out` → `out`. */
export function shortName(id: string): string {
  const afterHash = id.slice(id.lastIndexOf('#') + 1);
  return afterHash.slice(afterHash.lastIndexOf('/') + 1);
}
