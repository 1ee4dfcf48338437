package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.pipewright.io.jdbc.JdbcConnection;

/**
 * Where the Pinterest jobs write their tables (default prefix {@code pinterest_}). The password is
 * never an option: it is read from the environment variable {@value JdbcConnection#PASSWORD_ENV} or
 * from {@code --jdbcPasswordFile} where the connection is opened, so it stays out of option dumps,
 * display data and logs.
 */
public interface JdbcOptions extends PipelineOptions {
  @Description("JDBC URL of the warehouse, e.g. jdbc:postgresql://127.0.0.1:5432/postgres. No password "
      + "in it: set PIPEWRIGHT_JDBC_PASSWORD or --jdbcPasswordFile.")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("Database user.")
  @Default.String("postgres")
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description("File whose first line is the database password (instead of PIPEWRIGHT_JDBC_PASSWORD).")
  String getJdbcPasswordFile();

  void setJdbcPasswordFile(String value);

  @Description("SQL dialect: postgres (INSERT ... ON CONFLICT) or redshift (staging table, update + insert).")
  @Default.String("postgres")
  String getJdbcDialect();

  void setJdbcDialect(String value);

  @Description("Create the tables (CREATE TABLE IF NOT EXISTS) before writing.")
  @Default.Boolean(false)
  boolean getCreateTables();

  void setCreateTables(boolean value);

  @Description("Prefix of every table name (default: the pipeline's own, pinterest_ or retail_; pinterest_ "
      + "gives pinterest_pin): letters, digits and _, not starting with a digit (table names are SQL "
      + "identifiers, folded to lower case).")
  String getTablePrefix();

  void setTablePrefix(String value);

  /** The connection these options describe. */
  static JdbcConnection connection(JdbcOptions options) {
    JdbcConnection connection = JdbcConnection.to(options.getJdbcUrl()).withUser(options.getJdbcUser());
    return options.getJdbcPasswordFile() == null ? connection
        : connection.withPasswordFile(options.getJdbcPasswordFile());
  }
}
