import type { CwlProcess, Requirement } from '../model/cwl.types';

/** The requirement of class `cls` in effect: from `requirements` first, then `hints`. */
export function findRequirement(process: Pick<CwlProcess, 'requirements' | 'hints'>, cls: string): Requirement | undefined {
  return process.requirements.find((r) => r.class === cls) ?? process.hints.find((r) => r.class === cls);
}

/**
 * Merges requirements inherited from enclosing workflows/steps into a process:
 * the process's own entries win over inherited ones of the same class, and an
 * inherited requirement removes the process's hint of the same class.
 */
export function inheritRequirements<T extends CwlProcess>(process: T, requirements: readonly Requirement[], hints: readonly Requirement[]): T {
  const ownReq = new Set(process.requirements.map((r) => r.class));
  const reqs = [...process.requirements, ...requirements.filter((r) => !ownReq.has(r.class))];
  const reqClasses = new Set(reqs.map((r) => r.class));
  const ownHints = process.hints.filter((h) => !reqClasses.has(h.class) || process.requirements.some((r) => r.class === h.class));
  const hintClasses = new Set(ownHints.map((h) => h.class));
  const mergedHints = [...ownHints, ...hints.filter((h) => !hintClasses.has(h.class) && !reqClasses.has(h.class))];
  return { ...process, requirements: reqs, hints: mergedHints };
}
