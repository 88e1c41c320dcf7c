import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as received over OTLP/HTTP JSON. */
export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

/**
 * A minimal OTLP/HTTP receiver for tests: accepts `POST /v1/traces` with the JSON
 * encoding (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) and keeps every span.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          try {
            this.ingest(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            res.writeHead(400).end();
            return;
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private ingest(body: { resourceSpans?: Array<{ resource?: { attributes?: Attr[] }; scopeSpans?: Array<{ spans?: RawSpan[] }> }> }) {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, attributes: attrs(s.attributes) });
        }
      }
    }
  }
}

interface Attr {
  key: string;
  value: Record<string, unknown>;
}
interface RawSpan {
  name: string;
  traceId: string;
  spanId: string;
  attributes?: Attr[];
}

function attrs(list: Attr[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list ?? []) out[a.key] = Object.values(a.value ?? {})[0];
  return out;
}
