import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VolumeAuthError, VolumeBoundsError, VolumeCorruptError, VolumeDtypeError, VolumeNotFoundError, VolumeStorageError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { FakeBossServer } from '../../testing/fake-boss-server';
import { testBoxes } from '../../testing/round-trip';
import { extractBox, pasteBox, randomArray } from '../../testing/volume-fixtures';
import type { BBox, RemoteVolumeOptions, VolumeArray } from '../../volume.types';

const TOKEN = 'boss-secret-token-123';
// Frame x 10:60, y 20:60, z 5:25 -> store shape (z, y, x) = (20, 40, 50), voxel (0, 0, 0) = frame (10, 20, 5).
const SHAPE = [20, 40, 50];
const FAST: RemoteVolumeOptions = { bossToken: TOKEN, retryDelayMs: 1 };

function cutoutVoxels(path: string): number {
  const m = /\/(\d+):(\d+)\/(\d+):(\d+)\/(\d+):(\d+)\/$/.exec(path);
  assert.ok(m, path);
  return (Number(m[2]) - Number(m[1])) * (Number(m[4]) - Number(m[3])) * (Number(m[6]) - Number(m[5]));
}

describe('bossDB driver (against a local server implementing the documented v1 endpoints)', () => {
  let boss: FakeBossServer;
  let uri: (channel: string, query?: string) => string;

  before(async () => {
    boss = await FakeBossServer.start({
      token: TOKEN,
      echoAuthorization: true,
      forbidden: ['lab/exp1/secret'],
      frame: { name: 'frame1', start: [10, 20, 5], stop: [60, 60, 25], voxelSize: [4, 4, 40] },
      hierarchyLevels: 2,
      channels: [
        { collection: 'lab', experiment: 'exp1', channel: 'em', datatype: 'uint8' },
        { collection: 'lab', experiment: 'exp1', channel: 'seg', datatype: 'uint64', type: 'annotation' },
        { collection: 'lab', experiment: 'exp1', channel: 'em16', datatype: 'uint16' },
        { collection: 'lab', experiment: 'exp1', channel: 'prob', datatype: 'float32' },
        { collection: 'lab', experiment: 'exp1', channel: 'secret', datatype: 'uint8' },
      ],
    });
    uri = (channel, query = '') => `boss+http://${boss.url}/lab/exp1/${channel}${query}`;
  });
  after(() => boss.close());
  beforeEach(() => boss.http.resetLog());

  it('opens a channel: shape, dtype, voxel size and chunk from the channel, experiment and coordinate frame', async () => {
    const v = await openVolume(uri('em'), { remote: FAST });
    assert.equal(v.format, 'boss');
    assert.deepEqual([...v.shape], SHAPE);
    assert.equal(v.dtype, 'uint8');
    assert.deepEqual([...v.voxelSize], [40, 4, 4]);
    assert.deepEqual([...v.chunkShape], [16, 40, 50]);
    assert.deepEqual([...v.axes], ['z', 'y', 'x']);
    assert.equal(v.readOnly, false);
    assert.deepEqual(boss.http.requests.map((r) => r.path).sort(), ['/v1/collection/lab/experiment/exp1/', '/v1/collection/lab/experiment/exp1/channel/em/', '/v1/coord/frame1/']);
    assert.ok(boss.http.requests.every((r) => r.headers.authorization === `Token ${TOKEN}`), 'every request carries the token header');
    assert.equal((await openVolume(uri('seg'), { remote: FAST })).dtype, 'uint64');
    assert.equal((await openVolume(uri('em16'), { remote: FAST })).dtype, 'uint16');
  });

  it('round-trips uint8, uint16 and uint64 channels: whole volume, partial boxes and a partial write, as npygz cutouts', async () => {
    for (const channel of ['em', 'em16', 'seg']) {
      const v = await openVolume(uri(channel), { remote: FAST });
      const model = randomArray(v.dtype, SHAPE.reduce((a, b) => a * b), 3);
      await v.write({ start: [0, 0, 0], stop: SHAPE }, model);
      assert.deepEqual(await v.read(), model, `${channel}: whole volume`);
      for (const box of testBoxes(SHAPE)) assert.deepEqual(await v.read(box), extractBox(model, SHAPE, box), `${channel}: ${JSON.stringify(box)}`);
      const patch: BBox = { start: [3, 7, 11], stop: [9, 33, 40] };
      const values = randomArray(v.dtype, 6 * 26 * 29, 5);
      await v.write(patch, values);
      pasteBox(model, SHAPE, patch, values);
      assert.deepEqual(await v.read(), model, `${channel}: after a partial write`);
      await v.close();
    }
    const gets = boss.http.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/cutout/'));
    const posts = boss.http.requests.filter((r) => r.method === 'POST');
    assert.ok(gets.every((r) => r.headers.accept === 'application/npygz' && r.headers.authorization === `Token ${TOKEN}`));
    assert.ok(posts.every((r) => r.headers['content-type'] === 'application/npygz' && r.headers.authorization === `Token ${TOKEN}`));
    assert.ok(posts.some((r) => r.path === '/v1/cutout/lab/exp1/seg/0/21:50/27:53/8:14/'), 'the partial write lands at frame coordinates (x 21:50, y 27:53, z 8:14)');
    // The fake holds the frame as C-order (z, y, x) over its extent: store voxel (0, 0, 0) is its first element.
    const em = await openVolume(uri('em'), { remote: FAST });
    const first = (await em.read({ start: [0, 0, 0], stop: [1, 1, 1] })) as Uint8Array;
    assert.equal(boss.stored('lab/exp1/em')[0], first[0]);
  });

  it('splits big boxes into requests of at most maxVoxelsPerRequest, runs at most `concurrency` at once, and reassembles them', async () => {
    const v = await openVolume(uri('em16'), { remote: { ...FAST, maxVoxelsPerRequest: 2000, concurrency: 3 } });
    const model = randomArray('uint16', SHAPE.reduce((a, b) => a * b), 9);
    boss.http.resetLog();
    await v.write({ start: [0, 0, 0], stop: SHAPE }, model);
    const posts = boss.http.requests.filter((r) => r.method === 'POST');
    assert.ok(posts.length >= 20, `${posts.length} POSTs`);
    assert.ok(posts.every((r) => cutoutVoxels(r.path) <= 2000));
    boss.http.resetLog();
    boss.http.latencyMs = 5;
    const box: BBox = { start: [1, 2, 3], stop: [19, 39, 49] };
    try {
      assert.deepEqual(await v.read(box), extractBox(model, SHAPE, box));
    } finally {
      boss.http.latencyMs = 0;
    }
    const gets = boss.http.requests.filter((r) => r.path.startsWith('/v1/cutout/'));
    assert.ok(gets.length >= 15, `${gets.length} GETs`);
    assert.equal(gets.reduce((n, r) => n + cutoutVoxels(r.path), 0), 18 * 37 * 46, 'the pieces tile the box exactly');
    assert.ok(gets.every((r) => cutoutVoxels(r.path) <= 2000));
    assert.ok(boss.http.maxInFlight <= 3 && boss.http.maxInFlight >= 2, `max in flight ${boss.http.maxInFlight}`);
  });

  it('retries 503 answers and timeouts, then succeeds', async () => {
    const v = await openVolume(uri('em'), { remote: { ...FAST, timeoutMs: 300 } });
    const expected = await v.read();
    boss.http.resetLog();
    boss.http.failNext('GET', /^\/v1\/cutout\//, 2, { status: 503, body: 'Service Unavailable' });
    assert.deepEqual(await v.read(), expected);
    assert.equal(boss.http.requests.length, 3, 'two 503s, then the cutout');
    boss.http.failNext('GET', /^\/v1\/cutout\//, 1, { delayMs: 1500 });
    assert.deepEqual(await v.read(), expected, 'a request that times out is retried');
  });

  it('gives up after the configured retries with a retryable VolumeStorageError; other 4xx fail at once, not retryable', async () => {
    const v = await openVolume(uri('em'), { remote: { ...FAST, retries: 1 } });
    boss.http.failNext('GET', /^\/v1\/cutout\//, 2, { status: 503, body: '{"status": 503, "message": "Service is busy"}' });
    await assert.rejects(v.read(), (e: unknown) => {
      assert.ok(e instanceof VolumeStorageError);
      assert.equal(e.retryable, true);
      assert.equal(e.message, `${uri('em')}: cutout x 10:60, y 20:60, z 5:25: HTTP 503 from GET http://${boss.url}/v1/cutout/lab/exp1/em/0/10:60/20:60/5:25/: Service is busy (2 attempts)`);
      return true;
    });
    boss.http.resetLog();
    boss.http.failNext('GET', /^\/v1\/cutout\//, 1, { status: 400, body: '{"status": 400, "code": 2002, "message": "Incorrect cutout arguments"}' });
    await assert.rejects(v.read(), new VolumeStorageError(uri('em'), `request for cutout x 10:60, y 20:60, z 5:25 refused (HTTP 400 from GET http://${boss.url}/v1/cutout/lab/exp1/em/0/10:60/20:60/5:25/: Incorrect cutout arguments)`, { retryable: false }));
    assert.equal(boss.http.requests.length, 1, 'no retry');
  });

  it('maps 404, 401 and 403 to typed errors that name the URI and never the token', async () => {
    await assert.rejects(openVolume(uri('missing'), { remote: FAST }), (e: unknown) => {
      assert.ok(e instanceof VolumeNotFoundError);
      assert.equal(e.message, `${uri('missing')}: bossDB channel lab/exp1/missing not found (HTTP 404 from GET http://${boss.url}/v1/collection/lab/experiment/exp1/channel/missing/: Channel missing not found)`);
      return true;
    });
    await assert.rejects(openVolume(uri('em'), { remote: { retryDelayMs: 1, bossToken: '' } }), (e: unknown) => {
      assert.ok(e instanceof VolumeAuthError);
      assert.equal(e.status, 401);
      assert.equal(e.retryable, false);
      assert.match(e.message, /^boss\+http:\/\/.*\/lab\/exp1\/em: access to bossDB (channel|experiment) \S+ was denied \(HTTP 401 .*: Authentication credentials were not provided\.\); set BOSS_TOKEN to a bossDB API token$/);
      return true;
    });
    const wrong = 'wrong-token-456';
    await assert.rejects(openVolume(uri('em'), { remote: { retryDelayMs: 1, bossToken: wrong } }), (e: unknown) => {
      assert.ok(e instanceof VolumeAuthError);
      assert.ok(!e.message.includes(wrong), e.message);
      assert.match(e.message, /Invalid token\. Received: Token \[redacted\]\); check that the token in BOSS_TOKEN is valid/);
      return true;
    });
    const secret = await openVolume(uri('secret'), { remote: FAST });
    await assert.rejects(secret.read(), (e: unknown) => {
      assert.ok(e instanceof VolumeAuthError);
      assert.equal(e.status, 403);
      assert.equal(e.message, `${uri('secret')}: access to cutout x 10:60, y 20:60, z 5:25 was denied (HTTP 403 from GET http://${boss.url}/v1/cutout/lab/exp1/secret/0/10:60/20:60/5:25/: This user does not have the required permissions); check that the token in BOSS_TOKEN is valid and grants access to this channel`);
      assert.ok(!e.message.includes(TOKEN));
      return true;
    });
  });

  it('reads the token from BOSS_TOKEN when no option is given', async () => {
    const saved = process.env.BOSS_TOKEN;
    process.env.BOSS_TOKEN = TOKEN;
    try {
      const v = await openVolume(uri('em'), { remote: { retryDelayMs: 1 } });
      await v.read({ start: [0, 0, 0], stop: [1, 1, 1] });
    } finally {
      if (saved === undefined) delete process.env.BOSS_TOKEN;
      else process.env.BOSS_TOKEN = saved;
    }
  });

  it('refuses boxes outside the volume before any request, data of the wrong dtype, and unsupported channel datatypes', async () => {
    const v = await openVolume(uri('em'), { remote: FAST });
    boss.http.resetLog();
    await assert.rejects(v.read({ start: [0, 0, 0], stop: [21, 40, 50] }), new VolumeBoundsError(uri('em'), 'bbox [0:21, 0:40, 0:50] lies outside the volume of shape (20, 40, 50)'));
    assert.equal(boss.http.requests.length, 0);
    await assert.rejects(v.write({ start: [0, 0, 0], stop: [1, 1, 2] }, new Uint16Array(2)), new VolumeDtypeError(uri('em'), 'cannot write uint16 data into a uint8 volume'));
    await assert.rejects(openVolume(uri('prob'), { remote: FAST }), new VolumeDtypeError(uri('prob'), "bossDB channel datatype 'float32' is not supported (supported: uint8, uint16, uint64)"));
  });

  it('reports short and undecodable cutout bodies as VolumeCorruptError naming the cutout', async () => {
    const v = await openVolume(uri('em'), { remote: FAST });
    const box: BBox = { start: [0, 0, 0], stop: [2, 3, 4] };
    for (const damage of ['truncate', 'garbage'] as const) {
      boss.http.failNext('GET', /^\/v1\/cutout\//, 1, { damage });
      await assert.rejects(v.read(box), (e: unknown) => {
        assert.ok(e instanceof VolumeCorruptError, String(e));
        assert.equal(e.chunk, 'cutout x 10:14, y 20:23, z 5:7');
        assert.match(e.message, /body is not zlib-compressed \.npy \(application\/npygz\)/);
        return true;
      });
    }
  });

  it('opens higher resolutions from the downsample service and refuses missing ones', async () => {
    const v = await openVolume(uri('em', '?resolution=1'), { remote: FAST });
    assert.deepEqual([...v.shape], [20, 20, 25]);
    assert.deepEqual([...v.voxelSize], [40, 8, 8]);
    const model = randomArray('uint8', 20 * 20 * 25, 4) as VolumeArray;
    await v.write({ start: [0, 0, 0], stop: [20, 20, 25] }, model);
    assert.deepEqual(await v.read(), model);
    assert.ok(boss.http.requests.some((r) => r.path === '/v1/cutout/lab/exp1/em/1/5:30/10:30/5:25/'), 'resolution 1 starts at the frame start halved in x and y');
    await assert.rejects(openVolume(uri('em', '?resolution=2'), { remote: FAST }), new VolumeNotFoundError(uri('em', '?resolution=2'), 'no resolution 2: experiment lab/exp1 has 2 resolution level(s) (0-1)'));
  });

  it('refuses createVolume: channels are created in bossDB', async () => {
    await assert.rejects(createVolume(uri('new'), { shape: [1, 1, 1], dtype: 'uint8' }), new VolumeUnsupportedError(uri('new'), 'bossDB channels are created in bossDB (its project service, intern or the web console); open an existing channel with openVolume and write into it'));
  });
});
