/**
 * A local stand-in for bossDB that implements the documented endpoints SABER uses, over
 * in-memory channels: resource metadata (`/v1/collection/.../channel/...`,
 * `/v1/collection/.../experiment/...`, `/v1/coord/...`, `/v1/downsample/...`) and the cutout
 * service (`GET`/`POST /v1/cutout/{c}/{e}/{ch}/{res}/{x0}:{x1}/{y0}:{y1}/{z0}:{z1}/` in
 * `application/npygz`). Token authentication answers like Django REST framework (401 with a
 * `detail`); Boss errors are `{status, code, message}` JSON. Its `.npy` codec is written here
 * independently of the driver's, so a round trip checks the format rather than itself.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { FakeHttpServer, json, type FakeRequest, type FakeResponse } from './fake-http-server';

/** A channel of the fake. */
export interface FakeBossChannel {
  collection: string;
  experiment: string;
  channel: string;
  /** As bossDB spells it: `uint8`, `uint16`, `uint64` (anything else to test refusals). */
  datatype: string;
  type?: 'image' | 'annotation';
}

/** How the fake is set up. Coordinates are bossDB's x, y, z. */
export interface FakeBossOptions {
  /** When set, every request needs `Authorization: Token <token>`. */
  token?: string;
  /** Echo the received `Authorization` header in 401 answers (to test that clients mask it). */
  echoAuthorization?: boolean;
  /** Channels (`c/e/ch`) whose data the token may not touch: 403. */
  forbidden?: string[];
  frame: { name: string; start: [number, number, number]; stop: [number, number, number]; voxelSize: [number, number, number]; voxelUnit?: string };
  hierarchyLevels?: number;
  channels: FakeBossChannel[];
}

const DESCR: Record<string, { descr: string; size: number }> = {
  uint8: { descr: '|u1', size: 1 },
  uint16: { descr: '<u2', size: 2 },
  uint32: { descr: '<u4', size: 4 },
  uint64: { descr: '<u8', size: 8 },
  float32: { descr: '<f4', size: 4 },
};

/** `.npy` version 1.0 bytes of a C-order array. */
function writeNpy(descr: string, shape: number[], data: Buffer): Buffer {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
  return Buffer.concat([prefix, Buffer.from(dict, 'latin1'), data]);
}

function readNpy(buf: Buffer): { descr: string; shape: number[]; data: Buffer } | undefined {
  if (buf.length < 10 || buf.readUInt32BE(0) !== 0x934e554d) return undefined;
  const len = buf.readUInt16LE(8);
  const dict = buf.subarray(10, 10 + len).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(dict)?.[1];
  const shape = /'shape': \(([^)]*)\)/.exec(dict)?.[1];
  if (!descr || shape === undefined) return undefined;
  return { descr, shape: shape.split(',').map((s) => s.trim()).filter(Boolean).map(Number), data: buf.subarray(10 + len) };
}

interface Level {
  /** x, y, z. */
  start: number[];
  extent: number[];
  voxelSize: number[];
}

/** The fake bossDB. `url` is `127.0.0.1:<port>`: open `boss+http://<url>/c/e/ch`. */
export class FakeBossServer {
  private readonly data = new Map<string, Buffer>();

  private constructor(readonly http: FakeHttpServer, private readonly o: FakeBossOptions) {}

  /** Starts the fake on a free local port. */
  static async start(options: FakeBossOptions): Promise<FakeBossServer> {
    const holder: { self?: FakeBossServer } = {};
    const http = await FakeHttpServer.start((req) => holder.self!.handle(req));
    holder.self = new FakeBossServer(http, options);
    return holder.self;
  }

  get url(): string {
    return this.http.url;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** Resolution `res` of the frame (anisotropic hierarchy: x and y halve, z stays). */
  level(res: number): Level {
    const f = this.o.frame;
    const factor = [2 ** res, 2 ** res, 1];
    return {
      start: f.start.map((s, i) => Math.floor(s / factor[i])),
      extent: f.stop.map((s, i) => Math.ceil((s - f.start[i]) / factor[i])),
      voxelSize: f.voxelSize.map((v, i) => v * factor[i]),
    };
  }

  /** The stored bytes of a channel at a resolution, C order `(z, y, x)` over the level's extent. */
  stored(name: string, res = 0): Buffer {
    const key = `${name}@${res}`;
    let buf = this.data.get(key);
    if (!buf) {
      const ch = this.find(name);
      const [x, y, z] = this.level(res).extent;
      buf = Buffer.alloc(x * y * z * (DESCR[ch?.datatype ?? 'uint8']?.size ?? 1));
      this.data.set(key, buf);
    }
    return buf;
  }

  private find(name: string): FakeBossChannel | undefined {
    return this.o.channels.find((c) => `${c.collection}/${c.experiment}/${c.channel}` === name);
  }

  private handle(req: FakeRequest): FakeResponse {
    const auth = req.headers.authorization;
    if (this.o.token !== undefined && auth !== `Token ${this.o.token}`) {
      const detail = auth === undefined ? 'Authentication credentials were not provided.' : `Invalid token.${this.o.echoAuthorization ? ` Received: ${auth}` : ''}`;
      return json(401, { detail });
    }
    const parts = req.path.split('/').map((p) => decodeURIComponent(p));
    if (parts[0] !== '' || parts[1] !== 'v1' || parts.at(-1) !== '') return json(404, { status: 404, code: 4000, message: `Not found: ${req.path}` });
    const p = parts.slice(2, -1);
    if (req.method === 'GET' && p[0] === 'collection' && p[2] === 'experiment' && p.length === 4) return this.experiment(p[1], p[3]);
    if (req.method === 'GET' && p[0] === 'collection' && p[2] === 'experiment' && p[4] === 'channel' && p.length === 6) return this.channel(`${p[1]}/${p[3]}/${p[5]}`);
    if (req.method === 'GET' && p[0] === 'coord' && p.length === 2) return this.coord(p[1]);
    if (req.method === 'GET' && p[0] === 'downsample' && p.length === 4) return this.downsample(`${p[1]}/${p[2]}/${p[3]}`);
    if (p[0] === 'cutout' && p.length === 8) return this.cutout(req, `${p[1]}/${p[2]}/${p[3]}`, p[4], p.slice(5));
    return json(404, { status: 404, code: 4000, message: `Not found: ${req.method} ${req.path}` });
  }

  private experiment(collection: string, experiment: string): FakeResponse {
    const channels = this.o.channels.filter((c) => c.collection === collection && c.experiment === experiment);
    if (!channels.length) return json(404, { status: 404, code: 4000, message: `Experiment ${experiment} not found` });
    return json(200, {
      name: experiment, description: '', collection, coord_frame: this.o.frame.name, num_hierarchy_levels: this.o.hierarchyLevels ?? 1,
      hierarchy_method: 'anisotropic', num_time_samples: 1, time_step: null, time_step_unit: '', channels: channels.map((c) => c.channel), creator: 'saber-test',
    });
  }

  private channel(name: string): FakeResponse {
    const ch = this.find(name);
    if (!ch) return json(404, { status: 404, code: 4000, message: `Channel ${name.split('/')[2]} not found` });
    return json(200, {
      name: ch.channel, description: '', experiment: ch.experiment, default_time_sample: 0, type: ch.type ?? 'image', base_resolution: 0,
      datatype: ch.datatype, creator: 'saber-test', sources: [], downsample_status: 'NOT_DOWNSAMPLED', related: [],
    });
  }

  private coord(name: string): FakeResponse {
    const f = this.o.frame;
    if (name !== f.name) return json(404, { status: 404, code: 4000, message: `Coordinate frame ${name} not found` });
    return json(200, {
      name, description: '', x_start: f.start[0], x_stop: f.stop[0], y_start: f.start[1], y_stop: f.stop[1], z_start: f.start[2], z_stop: f.stop[2],
      x_voxel_size: f.voxelSize[0], y_voxel_size: f.voxelSize[1], z_voxel_size: f.voxelSize[2], voxel_unit: f.voxelUnit ?? 'nanometers',
    });
  }

  private downsample(name: string): FakeResponse {
    if (!this.find(name)) return json(404, { status: 404, code: 4000, message: `Channel ${name} not found` });
    const levels = this.o.hierarchyLevels ?? 1;
    const table = (f: (l: Level) => number[]) => Object.fromEntries(Array.from({ length: levels }, (_, r) => [String(r), f(this.level(r))]));
    return json(200, {
      num_hierarchy_levels: levels, status: 'DOWNSAMPLED',
      voxel_size: table((l) => l.voxelSize), extent: table((l) => l.extent), cuboid_size: table(() => [512, 512, 16]),
    });
  }

  private cutout(req: FakeRequest, name: string, resText: string, ranges: string[]): FakeResponse {
    const ch = this.find(name);
    if (!ch) return json(404, { status: 404, code: 4000, message: `Channel ${name.split('/')[2]} not found` });
    if (this.o.forbidden?.includes(name)) return json(403, { status: 403, code: 2005, message: 'This user does not have the required permissions' });
    const res = Number(resText);
    const xyz = ranges.map((r) => /^(\d+):(\d+)$/.exec(r)).map((m) => (m ? [Number(m[1]), Number(m[2])] : undefined));
    const level = this.level(res);
    const bad = !Number.isInteger(res) || res >= (this.o.hierarchyLevels ?? 1) || xyz.some((r, i) => !r || r[0] >= r[1] || r[0] < level.start[i] || r[1] > level.start[i] + level.extent[i]);
    if (bad) return json(400, { status: 400, code: 2002, message: `Incorrect cutout arguments ${resText}/${ranges.join('/')}` });
    const [x, y, z] = xyz as [number, number][];
    const type = DESCR[ch.datatype];
    const store = this.stored(name, res);
    const [ex, ey] = level.extent;
    const row = (x[1] - x[0]) * type.size;
    const offset = (zz: number, yy: number) => (((zz - level.start[2]) * ey + (yy - level.start[1])) * ex + (x[0] - level.start[0])) * type.size;
    const shape = [z[1] - z[0], y[1] - y[0], x[1] - x[0]];
    if (req.method === 'GET') {
      if (!String(req.headers.accept ?? '').includes('application/npygz')) return json(406, { detail: 'Could not satisfy the request Accept header.' });
      const out = Buffer.alloc(shape[0] * shape[1] * row);
      let k = 0;
      for (let zz = z[0]; zz < z[1]; zz++) for (let yy = y[0]; yy < y[1]; yy++, k += row) store.copy(out, k, offset(zz, yy), offset(zz, yy) + row);
      return { status: 200, headers: { 'Content-Type': 'application/npygz' }, body: deflateSync(writeNpy(type.descr, shape, out)) };
    }
    if (req.method !== 'POST') return json(405, { detail: `Method "${req.method}" not allowed.` });
    if (req.headers['content-type'] !== 'application/npygz') return json(415, { detail: `Unsupported media type "${req.headers['content-type']}" in request.` });
    let npy;
    try {
      npy = readNpy(inflateSync(req.body));
    } catch {
      npy = undefined;
    }
    if (!npy) return json(400, { status: 400, code: 2003, message: 'Failed to unpack data. Verify the datatype of your POSTed data and xyz dimensions used in the POST URL.' });
    if (npy.descr !== type.descr) return json(400, { status: 400, code: 2006, message: 'Datatype does not match channel' });
    if (npy.shape.join(',') !== shape.join(',') || npy.data.length !== shape[0] * shape[1] * row) {
      return json(400, { status: 400, code: 2004, message: 'Data dimensions in URL do not match POSTed data.' });
    }
    let k = 0;
    for (let zz = z[0]; zz < z[1]; zz++) for (let yy = y[0]; yy < y[1]; yy++, k += row) npy.data.copy(store, offset(zz, yy), k, k + row);
    return { status: 201 };
  }
}
