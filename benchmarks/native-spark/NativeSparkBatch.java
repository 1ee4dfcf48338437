package org.pipewright.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RecordCleaner;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.transforms.pinterest.PinterestQueries;

/**
 * The Pinterest batch job written directly on Spark SQL, without Beam: the "native Spark job" that
 * issue 11 asks every Pipewright runner to beat. It does the work of {@code PinterestBatch} and of
 * the yardstick ({@code BatchYardstick}): cleans each kind with the project's own rules, drops exact
 * re-sends, joins pins with geo and users on {@code ind}, computes the nine analytics of {@link
 * PinterestQueries} and writes Parquet plus a {@code summary.json} identical to the yardstick's.
 *
 * <pre>java --add-opens=... -cp pipewright-pipelines-spark-bundled.jar:SPARK_SQL_JARS:. \
 *   org.pipewright.benchmarks.NativeSparkBatch INPUT OUTPUT [MASTER]</pre>
 *
 * Built and run by {@code benchmarks/run-batch.sh} (runner {@code native-spark}).
 */
public final class NativeSparkBatch {
  private NativeSparkBatch() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      throw new IllegalArgumentException("usage: NativeSparkBatch INPUT OUTPUT [MASTER]");
    }
    String in = args[0];
    String out = args[1];
    SparkSession spark = SparkSession.builder()
        .appName("NativeSparkBatch")
        .master(args.length > 2 ? args[2] : "local[2]")
        .config("spark.ui.enabled", "false")
        // Spark's default of 200 is for clusters; on 2 cores each shuffle would run 200 tiny tasks.
        // 4 = two per core: a slow task does not leave a core idle for long, and a quarter of the
        // pins at 1M posts (~150 MB) still aggregates and sorts in memory.
        .config("spark.sql.shuffle.partitions", "4")
        // The project's years are UTC calendar years (Timestamps.utcYear), so year() must be too.
        .config("spark.sql.session.timeZone", "UTC")
        // Timestamps as java.time.Instant (proleptic Gregorian, like Joda's ISO chronology):
        // java.sql.Timestamp would shift instants before 1582 through the Julian calendar.
        .config("spark.sql.datetime.java8API.enabled", "true")
        // Write instants as they are (no rebasing for old dates, no legacy INT96).
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
        .getOrCreate();
    long start = System.nanoTime();

    ObjectNode summary = new ObjectMapper().createObjectNode();
    for (String kind : CleanPinterest.KINDS) {
      LongAccumulator cleaned = spark.sparkContext().longAccumulator(kind + ".cleaned");
      LongAccumulator dead = spark.sparkContext().longAccumulator(kind + ".deadLetter");
      StructType schema = structType(CleanPinterest.schema(kind));
      Dataset<Row> clean = spark.read()
          .option("recursiveFileLookup", "true") // like the yardstick's walk; .gz is decompressed
          .textFile(in + "/" + kind)
          .mapPartitions(new Clean(kind, cleaned, dead), Encoders.row(schema))
          // Exact re-sends are equal rows; kept once, as the yardstick's Set does
          .dropDuplicates()
          // Read three times: written, counted and joined; cleaning is most of the job's work
          .cache();
      clean.createOrReplaceTempView("clean_" + kind);
      clean.write().mode(SaveMode.Overwrite).parquet(out + "/clean/" + kind);
      // The accumulators are read right after the one action that ran the cleaning: every later
      // use of `clean` reads the cache, so no task can have added to them twice.
      long distinct = clean.count();
      ObjectNode table = summary.putObject(kind);
      table.put("read", cleaned.value() + dead.value()); // every non-blank line is one or the other
      table.put("clean", distinct);
      table.put("duplicates", cleaned.value() - distinct);
      table.put("deadLetter", dead.value());
    }

    // The two inner joins on ind (duplicated ids multiply, as in PinterestQueries), projected to the
    // columns the queries use and cached: each feeds several analytics. The CASE is AgeGroups.of.
    spark.sql("SELECT g.country, p.category, p.poster_name, p.follower_count, year(g.timestamp) AS post_year"
        + " FROM clean_pin p JOIN clean_geo g ON p.ind = g.ind").cache().createOrReplaceTempView("post_geo");
    spark.sql("SELECT p.category, p.follower_count, CASE WHEN u.age BETWEEN 18 AND 24 THEN '18-24'"
        + " WHEN u.age BETWEEN 25 AND 35 THEN '25-35' WHEN u.age BETWEEN 36 AND 50 THEN '36-50'"
        + " ELSE '50+' END AS age_group, year(u.date_joined) AS join_year"
        + " FROM clean_pin p JOIN clean_user u ON p.ind = u.ind").cache().createOrReplaceTempView("post_user");

    for (Map.Entry<String, String> query : analytics().entrySet()) {
      // A few hundred rows at most: one file each
      spark.sql(query.getValue()).coalesce(1).write().mode(SaveMode.Overwrite)
          .parquet(out + "/analytics/" + query.getKey());
    }
    Files.writeString(Path.of(out, "summary.json"), summary + "\n");
    System.out.printf("native Spark job finished in %.1f s%nsummary: %s%n", (System.nanoTime() - start) / 1e9, summary);
    spark.stop();
  }

  /**
   * The nine analytics as Spark SQL, with PinterestQueries' semantics: rank 1 with ties kept
   * ({@code rank()}), NULL keys forming their own group (GROUP BY and PARTITION BY do that), the
   * lower median (percentile_disc(0.5) is the value at position ceil(n/2) of the sorted non-null
   * values), inclusive year ranges. Column names and types are those of {@link PinterestQueries#OUTPUTS}.
   */
  static Map<String, String> analytics() {
    String postYears = " BETWEEN " + PinterestQueries.POST_YEAR_FROM + " AND " + PinterestQueries.POST_YEAR_TO;
    String joinYears = " BETWEEN " + PinterestQueries.JOIN_YEAR_FROM + " AND " + PinterestQueries.JOIN_YEAR_TO;
    String median = "CAST(percentile_disc(0.5) WITHIN GROUP (ORDER BY follower_count) AS BIGINT) AS median_follower_count";
    Map<String, String> q = new LinkedHashMap<>();
    q.put(PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY, popular("post_geo", "country"));
    q.put(PinterestQueries.POSTS_PER_CATEGORY_BY_YEAR, "SELECT post_year, category, count(*) AS category_count"
        + " FROM post_geo WHERE post_year" + postYears + " GROUP BY post_year, category");
    // Query 3's order (PinterestQueries.posterOrder): more followers, then the smaller name; nulls
    // last. Spark compares strings as UTF-8 bytes, which is code-point order, as posterOrder does.
    q.put(PinterestQueries.TOP_USER_BY_COUNTRY, "SELECT country, poster_name, follower_count FROM"
        + " (SELECT *, row_number() OVER (PARTITION BY country"
        + "  ORDER BY follower_count DESC NULLS LAST, poster_name ASC NULLS LAST) AS n FROM post_geo)"
        + " WHERE n = 1");
    // Of those, the countries with the most followers, ties kept; a null count never wins (TopTies)
    q.put(PinterestQueries.COUNTRY_WITH_TOP_USER, "SELECT country, follower_count FROM"
        + " (SELECT country, follower_count, rank() OVER (ORDER BY follower_count DESC) AS r FROM ("
        + q.get(PinterestQueries.TOP_USER_BY_COUNTRY) + ") WHERE follower_count IS NOT NULL) WHERE r = 1");
    q.put(PinterestQueries.POPULAR_CATEGORY_BY_AGE_GROUP, popular("post_user", "age_group"));
    q.put(PinterestQueries.MEDIAN_FOLLOWERS_BY_AGE_GROUP,
        "SELECT age_group, " + median + " FROM post_user GROUP BY age_group");
    q.put(PinterestQueries.USERS_JOINED_BY_YEAR, "SELECT year(date_joined) AS post_year,"
        + " count(*) AS number_users_joined FROM clean_user WHERE year(date_joined)" + joinYears
        + " GROUP BY year(date_joined)");
    q.put(PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR, "SELECT join_year AS post_year, " + median
        + " FROM post_user WHERE join_year" + joinYears + " GROUP BY join_year");
    q.put(PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP, "SELECT age_group,"
        + " join_year AS post_year, " + median + " FROM post_user WHERE join_year" + joinYears
        + " GROUP BY age_group, join_year");
    return q;
  }

  /** The most popular categories per group, ties kept. */
  private static String popular(String table, String group) {
    return "SELECT " + group + ", category, category_count FROM"
        + " (SELECT *, rank() OVER (PARTITION BY " + group + " ORDER BY category_count DESC) AS r FROM"
        + "  (SELECT " + group + ", category, count(*) AS category_count FROM " + table
        + "   GROUP BY " + group + ", category))"
        + " WHERE r = 1";
  }

  /** A Spark schema with the columns of a Beam schema. */
  static StructType structType(Schema schema) {
    List<StructField> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(DataTypes.createStructField(f.getName(), dataType(f.getType()), f.getType().getNullable()));
    }
    return DataTypes.createStructType(fields);
  }

  /** The Spark type of the Beam field types the clean schemas use. */
  static DataType dataType(FieldType type) {
    switch (type.getTypeName()) {
      case INT64: return DataTypes.LongType;
      case INT32: return DataTypes.IntegerType;
      case STRING: return DataTypes.StringType;
      case DOUBLE: return DataTypes.DoubleType;
      case BOOLEAN: return DataTypes.BooleanType;
      case DATETIME: return DataTypes.TimestampType;
      case ARRAY:
      case ITERABLE:
        FieldType element = type.getCollectionElementType();
        return DataTypes.createArrayType(dataType(element), element.getNullable());
      default:
        throw new UnsupportedOperationException("no Spark type for Beam's " + type);
    }
  }

  /** A Beam value as the external Spark value of {@link #dataType}: Joda instants and lists differ. */
  static Object sparkValue(FieldType type, Object value) {
    if (value == null) {
      return null;
    }
    switch (type.getTypeName()) {
      case DATETIME:
        return java.time.Instant.ofEpochMilli(((ReadableInstant) value).getMillis());
      case ARRAY:
      case ITERABLE:
        List<Object> values = new ArrayList<>();
        for (Object element : (Iterable<?>) value) {
          values.add(sparkValue(type.getCollectionElementType(), element));
        }
        return values.toArray();
      default:
        return value;
    }
  }

  /**
   * Cleans the lines of one partition with the kind's cleaning rules, as the yardstick does: blank
   * lines are skipped, a RuntimeException is a dead letter (counted, not written). Lazy, so a
   * partition of raw lines is never held in memory.
   */
  static final class Clean implements MapPartitionsFunction<String, Row> {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final LongAccumulator cleaned;
    private final LongAccumulator dead;

    Clean(String kind, LongAccumulator cleaned, LongAccumulator dead) {
      this.kind = kind;
      this.cleaned = cleaned;
      this.dead = dead;
    }

    @Override
    public Iterator<Row> call(Iterator<String> lines) {
      RecordCleaner cleaner = CleanPinterest.recordCleaner(kind);
      Schema schema = cleaner.cleanSchema();
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && lines.hasNext()) {
            String line = lines.next();
            if (Values.isBlank(line)) {
              continue;
            }
            org.apache.beam.sdk.values.Row row;
            try {
              row = cleaner.clean(RawJson.parseObject(line));
            } catch (RuntimeException e) { // BadValueException, or a bug: a dead letter either way
              dead.add(1);
              continue;
            }
            cleaned.add(1);
            Object[] values = new Object[schema.getFieldCount()];
            for (int i = 0; i < values.length; i++) {
              values[i] = sparkValue(schema.getField(i).getType(), row.getValue(i));
            }
            next = RowFactory.create(values);
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row row = next;
          next = null;
          return row;
        }
      };
    }
  }
}
