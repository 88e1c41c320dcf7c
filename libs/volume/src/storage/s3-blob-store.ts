/**
 * {@link BlobStore} over an S3 prefix. The client is created once per process from
 * the environment (see `env.ts`) unless the caller passes one. Checksums are
 * computed and validated only when the operation requires them (`WHEN_REQUIRED`):
 * S3-compatible servers such as s3rver corrupt streamed uploads otherwise.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { DEFAULT_S3_REGION, VOLUME_ENV } from '../env';
import { VolumeStorageError } from '../errors/volume-errors';
import type { BlobStore } from './blob-store';

/** The S3 client configuration SABER uses, derived from `env`. */
export function s3ClientConfig(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = env[VOLUME_ENV.SABER_S3_ENDPOINT] || undefined;
  const pathStyle = env[VOLUME_ENV.SABER_S3_FORCE_PATH_STYLE];
  return {
    region: env[VOLUME_ENV.AWS_REGION] || DEFAULT_S3_REGION,
    endpoint,
    forcePathStyle: pathStyle === undefined || pathStyle === '' ? endpoint !== undefined : pathStyle === 'true',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

let defaultClient: Promise<S3Client> | undefined;

/** The process-wide S3 client built from the environment (created on first use). */
export function defaultS3Client(): Promise<S3Client> {
  defaultClient ??= import('@aws-sdk/client-s3').then((m) => new m.S3Client(s3ClientConfig()));
  return defaultClient;
}

function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? '';
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Objects under `s3://bucket/prefix/`. */
export class S3BlobStore implements BlobStore {
  readonly location: string;
  constructor(
    private readonly uri: string,
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  private key(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private fail(op: string, key: string, err: unknown): VolumeStorageError {
    const status = httpStatus(err);
    const retryable = status === undefined || status >= 500 || status === 429;
    return new VolumeStorageError(this.uri, `S3 ${op} ${this.location}/${key} failed: ${errorName(err)} ${(err as Error).message ?? ''}`.trim(), { cause: err, retryable });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
    } catch (err) {
      if (errorName(err) === 'NoSuchKey' || httpStatus(err) === 404) return undefined;
      throw this.fail('GET', key, err);
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(key), Body: bytes, ContentLength: bytes.byteLength }));
    } catch (err) {
      throw this.fail('PUT', key, err);
    }
  }

  /** Keys under the prefix; `firstPage` stops after one page (up to 1,000 keys). */
  private async list(firstPage = false): Promise<string[]> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const keys: string[] = [];
    let token: string | undefined;
    do {
      try {
        const res = await this.client.send(new ListObjectsV2Command({
          Bucket: this.bucket, Prefix: this.prefix ? `${this.prefix}/` : undefined, ContinuationToken: token,
        }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = res.IsTruncated && !firstPage ? res.NextContinuationToken : undefined;
      } catch (err) {
        if (errorName(err) === 'NoSuchBucket') {
          throw new VolumeStorageError(this.uri, `S3 bucket '${this.bucket}' does not exist`, { cause: err, retryable: false });
        }
        throw this.fail('LIST', '', err);
      }
    } while (token);
    return keys;
  }

  async exists(): Promise<boolean> {
    // One default-size page, not MaxKeys=1: s3rver fails to build continuation tokens on OpenSSL 3.
    return (await this.list(true)).length > 0;
  }

  async clear(): Promise<void> {
    const { DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
    const keys = await this.list();
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      try {
        await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }));
      } catch (err) {
        throw this.fail('DELETE', '', err);
      }
    }
  }
}
