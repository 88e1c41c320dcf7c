/**
 * A local stand-in for DVID that implements the documented endpoints SABER uses over
 * in-memory, block-structured instances: `GET /api/node/{uuid}/{data}/info` and
 * `GET`/`POST /api/node/{uuid}/{data}/raw/0_1_2/{sx}_{sy}_{sz}/{ox}_{oy}_{oz}` (little-endian,
 * x fastest). Like DVID, blocks never written read as 0, POSTs must be block-aligned, writes
 * grow the extents, and errors are plain text with status 400 (also for unknown UUIDs and
 * data names).
 */
import { FakeHttpServer, json, text, type FakeRequest, type FakeResponse } from './fake-http-server';

/** An instance of the fake. Points are DVID's x, y, z. */
export interface FakeDvidInstance {
  uuid: string;
  name: string;
  /** `uint8blk`, `uint16blk`, `labelblk`, `labelarray`, `labelmap`, `rgba8blk`... */
  typeName: string;
  /** Element type per value (labels: `uint64`). */
  dataType: string;
  /** Values per voxel (rgba8blk: 4). Default 1. */
  valuesPerVoxel?: number;
  blockSize: [number, number, number];
  voxelSize?: [number, number, number];
  voxelUnits?: [string, string, string];
  /** Initial extents (inclusive); unset: no extents until the first write. */
  minPoint?: [number, number, number];
  maxPoint?: [number, number, number];
}

const SIZE: Record<string, number> = { uint8: 1, uint16: 2, uint32: 4, uint64: 8, float32: 4 };

interface Instance {
  spec: FakeDvidInstance;
  elem: number;
  blocks: Map<string, Buffer>;
  min?: number[];
  max?: number[];
}

/** The fake DVID. `url` is `127.0.0.1:<port>`: open `dvid://<url>/<uuid>/<name>`. */
export class FakeDvidServer {
  private readonly instances = new Map<string, Instance>();

  private constructor(readonly http: FakeHttpServer, specs: FakeDvidInstance[]) {
    for (const spec of specs) {
      this.instances.set(`${spec.uuid}/${spec.name}`, {
        spec, elem: (SIZE[spec.dataType] ?? 1) * (spec.valuesPerVoxel ?? 1), blocks: new Map(), min: spec.minPoint && [...spec.minPoint], max: spec.maxPoint && [...spec.maxPoint],
      });
    }
  }

  /** Starts the fake on a free local port. */
  static async start(instances: FakeDvidInstance[]): Promise<FakeDvidServer> {
    const holder: { self?: FakeDvidServer } = {};
    const http = await FakeHttpServer.start((req) => holder.self!.handle(req));
    holder.self = new FakeDvidServer(http, instances);
    return holder.self;
  }

  get url(): string {
    return this.http.url;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** Blocks written so far, per instance. */
  blockCount(uuid: string, name: string): number {
    return this.instances.get(`${uuid}/${name}`)?.blocks.size ?? 0;
  }

  private handle(req: FakeRequest): FakeResponse {
    const m = /^\/api\/node\/([^/]+)\/([^/]+)\/(.*)$/.exec(req.path);
    if (!m) return text(404, '404 page not found\n');
    const [uuid, name, rest] = [decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3]];
    if (![...this.instances.values()].some((i) => i.spec.uuid === uuid)) return text(400, `could not find UUID with partial match to "${uuid}"\n`);
    const inst = this.instances.get(`${uuid}/${name}`);
    if (!inst) return text(400, `data "${name}" not found in node ${uuid}\n`);
    if (req.method === 'GET' && rest === 'info') return this.info(inst);
    const raw = /^raw\/([^/]+)\/(\d+)_(\d+)_(\d+)\/(-?\d+)_(-?\d+)_(-?\d+)$/.exec(rest);
    if (!raw) return text(400, `unknown endpoint "${rest}" for ${inst.spec.typeName}\n`);
    if (raw[1] !== '0_1_2') return text(400, `only 3d raw requests are served here, got dims ${raw[1]}\n`);
    const size = raw.slice(2, 5).map(Number);
    const offset = raw.slice(5, 8).map(Number);
    if (size.some((s) => s <= 0)) return text(400, `bad size ${size.join('_')}\n`);
    if (req.method === 'GET') return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: this.read(inst, offset, size) };
    if (req.method === 'POST') return this.write(inst, offset, size, req.body);
    return text(405, `method ${req.method} not allowed\n`);
  }

  private info(inst: Instance): FakeResponse {
    const s = inst.spec;
    const values = Array.from({ length: s.valuesPerVoxel ?? 1 }, (_, i) => ({ DataType: s.dataType, Label: s.valuesPerVoxel ? 'rgba'[i] : s.typeName }));
    return json(200, {
      Base: { TypeName: s.typeName, TypeURL: `github.com/janelia-flyem/dvid/datatype/${s.typeName}`, TypeVersion: '0.2', Name: s.name, RepoUUID: s.uuid, Compression: 'LZ4 compression, level -1', Checksum: 'No checksum', Syncs: [], Versioned: true },
      Extended: {
        Values: values, Interpolable: !s.typeName.startsWith('label'), BlockSize: s.blockSize, VoxelSize: s.voxelSize ?? [8, 8, 8], VoxelUnits: s.voxelUnits ?? ['nanometers', 'nanometers', 'nanometers'],
        MinPoint: inst.min ?? null, MaxPoint: inst.max ?? null, MinIndex: null, MaxIndex: null, Background: 0,
      },
      Extents: { MinPoint: inst.min ?? null, MaxPoint: inst.max ?? null },
    });
  }

  /** Visits every voxel row (fixed y, z) of the box, split at block boundaries. */
  private rows(inst: Instance, offset: number[], size: number[], visit: (block: Buffer, blockOffset: number, bufOffset: number, bytes: number) => void, create: boolean): void {
    const [bx, by, bz] = inst.spec.blockSize;
    const e = inst.elem;
    for (let z = offset[2]; z < offset[2] + size[2]; z++) {
      for (let y = offset[1]; y < offset[1] + size[1]; y++) {
        for (let x = offset[0]; x < offset[0] + size[0]; ) {
          const [cx, cy, cz] = [Math.floor(x / bx), Math.floor(y / by), Math.floor(z / bz)];
          const end = Math.min((cx + 1) * bx, offset[0] + size[0]);
          const key = `${cx},${cy},${cz}`;
          let block = inst.blocks.get(key);
          if (!block && create) inst.blocks.set(key, (block = Buffer.alloc(bx * by * bz * e)));
          const inBlock = (((z - cz * bz) * by + (y - cy * by)) * bx + (x - cx * bx)) * e;
          const inBuf = (((z - offset[2]) * size[1] + (y - offset[1])) * size[0] + (x - offset[0])) * e;
          if (block) visit(block, inBlock, inBuf, (end - x) * e);
          x = end;
        }
      }
    }
  }

  private read(inst: Instance, offset: number[], size: number[]): Buffer {
    const out = Buffer.alloc(size[0] * size[1] * size[2] * inst.elem);
    this.rows(inst, offset, size, (block, b, o, n) => block.copy(out, o, b, b + n), false);
    return out;
  }

  private write(inst: Instance, offset: number[], size: number[], body: Buffer): FakeResponse {
    const block = inst.spec.blockSize;
    if (offset.some((o, i) => o % block[i] !== 0) || size.some((s, i) => s % block[i] !== 0)) {
      return text(400, `cannot store voxels with offset ${offset.join('_')} and size ${size.join('_')}: not block aligned (block size ${block.join('_')})\n`);
    }
    const need = size[0] * size[1] * size[2] * inst.elem;
    if (body.length !== need) return text(400, `expected ${need} bytes for subvolume ${size.join('_')}, got ${body.length}\n`);
    this.rows(inst, offset, size, (blk, b, o, n) => body.copy(blk, b, o, o + n), true);
    const last = offset.map((o, i) => o + size[i] - 1);
    inst.min = inst.min ? inst.min.map((v, i) => Math.min(v, offset[i])) : [...offset];
    inst.max = inst.max ? inst.max.map((v, i) => Math.max(v, last[i])) : last;
    return { status: 200 };
  }
}
