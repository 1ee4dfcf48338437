package org.pipewright.io.files;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * S3 settings beyond Beam's {@link S3Options} ({@code --awsRegion}, {@code --endpoint}, and
 * credentials from the AWS default chain: environment, system properties, profile, instance role).
 * Call {@link #apply} once after parsing.
 */
public interface S3AccessOptions extends S3Options {
  @Description("Address buckets as http://host/bucket/key instead of http://bucket.host/key. "
      + "Needed by most S3-compatible servers (MinIO, S3Mock, Ceph) and by --endpoint=http://IP:PORT.")
  @Default.Boolean(false)
  boolean getS3PathStyleAccess();

  void setS3PathStyleAccess(boolean value);

  /** Installs the path-style client factory when {@code --s3PathStyleAccess=true}. */
  static void apply(S3AccessOptions options) {
    if (options.getS3PathStyleAccess()) {
      options.setS3ClientFactoryClass(PathStyleS3ClientBuilderFactory.class);
    }
  }
}
