/** The blob store a parsed URI points at. */
import type { VolumeLocation } from '../uri/parse-volume-uri';
import type { VolumeAccessOptions } from '../volume.types';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import { defaultS3Client, S3BlobStore } from './s3-blob-store';

/** A local directory or S3 prefix store for `loc`. */
export async function openBlobStore(loc: VolumeLocation, options?: VolumeAccessOptions): Promise<BlobStore> {
  if (loc.backend === 's3') {
    const client = options?.s3Client ?? (await defaultS3Client());
    return new S3BlobStore(loc.uri, client, loc.bucket ?? '', loc.path);
  }
  return new FsBlobStore(loc.uri, loc.path);
}
