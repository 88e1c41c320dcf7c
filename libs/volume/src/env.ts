/**
 * Every environment variable `@saber/volume` reads, in one place. AWS credentials are not
 * read here: the AWS SDK's default chain finds them (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_PROFILE`, instance roles). The bossDB
 * token is read once per opened volume and only ever sent as a request header.
 */
export const VOLUME_ENV = {
  /** S3 endpoint URL for S3-compatible servers (MinIO, s3rver); unset: AWS. */
  SABER_S3_ENDPOINT: 'SABER_S3_ENDPOINT',
  /** `true` for path-style bucket addressing; default `true` when an endpoint is set, else `false`. */
  SABER_S3_FORCE_PATH_STYLE: 'SABER_S3_FORCE_PATH_STYLE',
  /** AWS region (the SDK's own variable); default `us-east-1`. */
  AWS_REGION: 'AWS_REGION',
  /** bossDB API token for `boss://` volumes (`Authorization: Token <token>`); unset: anonymous requests. */
  BOSS_TOKEN: 'BOSS_TOKEN',
} as const;

/** Region used when `AWS_REGION` is unset. */
export const DEFAULT_S3_REGION = 'us-east-1';
