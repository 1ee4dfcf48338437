package org.pipewright.io.mongodb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.mongodb.ConnectionString;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;
import org.pipewright.testing.GraphScan;

/**
 * Passwords: read from the environment, put into the URI only for the driver, masked everywhere
 * else. The build sets {@value #ENV} (see this module's pom) to {@value #SECRET}.
 */
public class MongoConnectionTest {
  static final String ENV = "PIPEWRIGHT_TEST_MONGO_PASSWORD";
  static final String SECRET = "S3CRET-mongo 4711/@:%";

  @Test
  public void thePasswordComesFromTheEnvironmentEncodedAsTheDriverDecodesIt() {
    assertEquals("the build must set " + ENV, SECRET, System.getenv(ENV));
    MongoConnection connection = MongoConnection.to("mongodb://etl@db.example:27017/?authSource=admin")
        .withPasswordFromEnv(ENV);
    String resolved = connection.resolvedUri();
    assertEquals("mongodb://etl:S3CRET-mongo%204711%2F%40%3A%25@db.example:27017/?authSource=admin", resolved);
    assertEquals(SECRET, new String(new ConnectionString(resolved).getCredential().getPassword()));
    assertEquals("mongodb://etl@db.example:27017/?authSource=admin", connection.describe());
    assertEquals("mongodb://etl:***@db.example:27017/?authSource=admin", MongoConnection.mask(resolved));
  }

  @Test
  public void anUnsetVariableIsAClearErrorForAUserAndAnInlinePasswordWins() {
    MongoConnection unset = MongoConnection.to("mongodb://etl@db:27017").withPasswordFromEnv("PIPEWRIGHT_SURELY_UNSET_4711");
    assertEquals("the MongoDB URI mongodb://etl@db:27017 names a user but no password: set PIPEWRIGHT_SURELY_UNSET_4711",
        assertThrows(IllegalArgumentException.class, unset::resolvedUri).getMessage());
    String x509 = "mongodb://CN=etl@db:27017/?authMechanism=MONGODB-X509";
    assertEquals(x509, MongoConnection.to(x509).withPasswordFromEnv("PIPEWRIGHT_SURELY_UNSET_4711").resolvedUri());
    assertEquals("mongodb://db:27017", MongoConnection.to("mongodb://db:27017").resolvedUri());
    MongoConnection inline = MongoConnection.to("mongodb://etl:pw@db:27017/x").withPasswordFromEnv(ENV);
    assertTrue(inline.hasInlinePassword());
    assertEquals("mongodb://etl:pw@db:27017/x", inline.resolvedUri());
    assertEquals("mongodb://etl:***@db:27017/x", inline.describe());
    assertEquals("mongodb://etl:***@db:27017/x", inline.toString());
    assertFalse(unset.hasInlinePassword());
  }

  @Test
  public void aPasswordWithoutAUserIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MongoConnection.to("mongodb://db:27017").withPasswordFromEnv(ENV).resolvedUri());
    assertEquals(ENV + " is set but the MongoDB URI mongodb://db:27017 names no user: put it in the URI, "
        + "as in mongodb://USER@host:27017/", e.getMessage());
  }

  @Test
  public void badUrisAreRefusedWithTheirPasswordMasked() {
    assertEquals("MongoDB URI must start with mongodb:// or mongodb+srv://, got 'http://u:***@h'",
        assertThrows(IllegalArgumentException.class, () -> MongoConnection.to("http://u:pw@h")).getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MongoConnection.to("mongodb://u:pw@h:notaport"));
    assertThat(e.getMessage(), containsString("invalid MongoDB URI mongodb://u:***@h:notaport: "));
    assertThat(e.getMessage(), not(containsString("pw")));
  }

  @Test
  public void theOptionTakesNoPassword() {
    MongoOptions options = PipelineOptionsFactory.fromArgs("--mongoUri=mongodb://etl:pw@db:27017")
        .as(MongoOptions.class);
    assertEquals("--mongoUri mongodb://etl:***@db:27017 holds a password, which would show wherever the "
        + "pipeline's options do: leave it out and set PIPEWRIGHT_MONGO_PASSWORD",
        assertThrows(IllegalArgumentException.class, () -> MongoOptions.mongoConnection(options)).getMessage());
    options.setMongoUri("mongodb://etl@db:27017");
    assertEquals("mongodb://etl@db:27017", MongoOptions.mongoConnection(options).describe());
    assertEquals("pipewright", options.getMongoDatabase());
    options.setMongoUri(null);
    assertNull(MongoOptions.mongoConnection(options));
  }

  @Test
  public void theGraphShowsTheUserButNeverThePassword() {
    Schema schema = Schema.builder().addInt32Field("k").build();
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline.apply(Create.of(Row.withSchema(schema).addValues(1).build()).withRowSchema(schema))
        .apply(MongoUpsert.into("retail", "valuation").withKeys("k")
            .withConnection(MongoConnection.to("mongodb://etl@127.0.0.1:9/").withPasswordFromEnv(ENV)));
    String display = GraphScan.displayData(pipeline);
    assertThat(display, containsString("mongodb://etl@127.0.0.1:9/"));
    assertThat(display, containsString("valuation"));
    assertThat(display, not(containsString("S3CRET")));
  }
}
