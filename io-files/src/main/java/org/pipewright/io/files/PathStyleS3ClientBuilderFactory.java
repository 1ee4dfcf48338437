package org.pipewright.io.files;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's default S3 client, with path-style addressing; Beam has no option for it. Selected by
 * {@code --s3PathStyleAccess=true} (see {@link S3AccessOptions#apply}).
 */
public class PathStyleS3ClientBuilderFactory extends DefaultS3ClientBuilderFactory {
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    return super.createBuilder(options).forcePathStyle(true);
  }
}
