import {
  RunAccepted,
  RunCompleted,
  RunFailed,
  RunRejected,
  RunRequested,
  SCHEMA_HEADER,
  StepCompleted,
  StepFailed,
  StepReady,
  StepStarted,
} from '@saber/contracts';

/** Event contracts the catalog validates; each has a projection except run.requested (logged only). */
export const CATALOG_CONTRACTS = [
  RunRequested,
  RunAccepted,
  RunRejected,
  RunCompleted,
  RunFailed,
  StepReady,
  StepStarted,
  StepCompleted,
  StepFailed,
] as const;

/** One of {@link CATALOG_CONTRACTS}. */
export type CatalogContract = (typeof CATALOG_CONTRACTS)[number];

/** The contract published on `subject`, also under a deployment namespace prefix (`<ns>.saber.events...`). */
export function contractForSubject(subject: string): CatalogContract | undefined {
  return CATALOG_CONTRACTS.find((c) => subject === c.subject || subject.endsWith(`.${c.subject}`));
}

/** Header `name` matched case-insensitively (NATS keeps the publisher's case). */
export function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/i;

/** The 32-hex trace id of a W3C `traceparent` header; undefined when absent, malformed or all zeros. */
export function traceIdOf(headers: Record<string, string> | undefined): string | undefined {
  const match = TRACEPARENT.exec(headerOf(headers, 'traceparent')?.trim() ?? '');
  const id = match?.[1]?.toLowerCase();
  return id && !/^0+$/.test(id) ? id : undefined;
}

/** Schema label of an event: the `Saber-Schema` header, else `<name>/v<version>` of its contract. */
export function schemaOf(headers: Record<string, string> | undefined, contract: CatalogContract | undefined): string | undefined {
  return headerOf(headers, SCHEMA_HEADER) ?? (contract ? `${contract.name}/v${contract.version}` : undefined);
}
