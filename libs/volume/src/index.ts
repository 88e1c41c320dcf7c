/**
 * `@saber/volume`: one `VolumeStore` interface over the volume formats SABER reads and
 * writes — zarr (v2/v3), Neuroglancer precomputed, HDF5, TIFF stacks, PNG stacks and
 * `.npy` — on local disk, on S3 for the chunked formats, and in the bossDB and DVID
 * cutout services. Shapes and boxes are C order, `(z, y, x)` for 3-D volumes.
 *
 * @module
 */
export * from './errors/volume-errors';
export type * from './volume.types';
export { openVolume, createVolume } from './open-volume';
export { parseVolumeUri, type VolumeLocation } from './uri/parse-volume-uri';
export { bboxShape, chunksInBox, formatBBox, fullBBox, intersect, product } from './core/bbox';
export { DTYPES, allocate, arrayCtor, dtypeOf, dtypeSize, isDtype } from './core/dtype';
export { VOLUME_ENV, DEFAULT_S3_REGION } from './env';
export { s3ClientConfig } from './storage/s3-blob-store';
export { PRECOMPUTED_DTYPES } from './drivers/precomputed/precomputed-info';
export { TIFF_DTYPES } from './drivers/tiff/tiff.driver';
export { PNG_DTYPES } from './drivers/png/png.driver';
export { DEFAULT_H5_DATASET } from './drivers/h5/h5.driver';
export { DEFAULT_REMOTE_OPTIONS } from './drivers/remote/remote-options';
export { BOSS_DTYPES } from './drivers/boss/boss-api';
export { DVID_DTYPES, DVID_LABEL_TYPES } from './drivers/dvid/dvid-api';
