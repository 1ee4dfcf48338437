package org.pipewright.io.mongodb;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where a pipeline's MongoDB outputs go. The password is not an option (options are shown by
 * runners and shipped to workers): it comes from {@value MongoConnection#PASSWORD_ENV}.
 */
public interface MongoOptions extends PipelineOptions {
  @Description("MongoDB connection string for the MongoDB outputs, e.g. mongodb://etl@db:27017/?authSource=admin; "
      + "unset: no MongoDB output. No password in it: set " + MongoConnection.PASSWORD_ENV + " instead.")
  @Nullable String getMongoUri();

  void setMongoUri(@Nullable String value);

  @Description("MongoDB database the MongoDB outputs write to.")
  @Default.String("pipewright")
  String getMongoDatabase();

  void setMongoDatabase(String value);

  /**
   * The connection {@code --mongoUri} names, or null when it is unset.
   *
   * @throws IllegalArgumentException for a URI that is not a MongoDB connection string or that holds
   *     a password (the message masks it)
   */
  static @Nullable MongoConnection mongoConnection(MongoOptions options) {
    String uri = options.getMongoUri();
    if (uri == null || uri.isBlank()) {
      return null;
    }
    MongoConnection connection = MongoConnection.to(uri.strip());
    if (connection.hasInlinePassword()) {
      throw new IllegalArgumentException("--mongoUri " + connection.describe() + " holds a password, which "
          + "would show wherever the pipeline's options do: leave it out and set " + MongoConnection.PASSWORD_ENV);
    }
    return connection;
  }
}
