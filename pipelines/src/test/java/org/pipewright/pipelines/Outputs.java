package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads what a pipeline wrote, for assertions. */
final class Outputs {
  static final ObjectMapper JSON = new ObjectMapper();

  private Outputs() {}

  /** Every JSON line of every {@code part-*} file in {@code dir}. */
  static List<JsonNode> rows(Path dir) {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : lines(dir)) {
      rows.add(parse(line));
    }
    return rows;
  }

  static List<String> lines(Path dir) {
    List<String> lines = new ArrayList<>();
    if (!Files.exists(dir) && dir.getFileName().toString().equals("dead-letter")) {
      return lines; // written only when something was refused
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().startsWith("part-"))
          .sorted()::iterator) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            lines.add(line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode summary(Path out) throws IOException {
    return JSON.readTree(Files.readString(out.resolve("summary.json")));
  }

  /**
   * The quality results a run wrote to {@code OUT/quality/} (JSON lines), each as {@code table |
   * check | severity | status | observed | expected}, sorted; every one must come from {@code pipeline}.
   */
  static List<String> quality(Path out, String pipeline) {
    List<JsonNode> rows = rows(out.resolve("quality"));
    for (JsonNode r : rows) {
      if (!r.get("pipeline").asText().equals(pipeline)) {
        throw new AssertionError("result of another pipeline: " + r);
      }
    }
    return quality(rows, pipeline);
  }

  /** Quality result rows of {@code pipeline} (others are left out) as {@link #quality(Path, String)} gives them. */
  static List<String> quality(List<JsonNode> rows, String pipeline) {
    List<String> results = new ArrayList<>();
    for (JsonNode r : rows) {
      if (!r.get("pipeline").asText().equals(pipeline)) {
        continue;
      }
      results.add(String.join(" | ", r.get("table_name").asText(), r.get("check_name").asText(),
          r.get("severity").asText(), r.get("status").asText(), r.get("observed").asText(),
          r.get("expected").asText()));
    }
    results.sort(null);
    return results;
  }

  /** Lays out {@code files} (kind -> source file) as {@code dir/<kind>/<file name>}. */
  static Path layout(Path dir, String kind, Path... files) throws IOException {
    Path target = Files.createDirectories(dir.resolve(kind));
    for (Path file : files) {
      Files.copy(file, target.resolve(file.getFileName()));
    }
    return dir;
  }
}
