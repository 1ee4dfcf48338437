package org.pipewright.transforms.core;

import java.util.List;

/**
 * Payloads (one record's text, after the reader) that have broken or fooled parsers elsewhere.
 * Byte-level trouble (BOM, CRLF, invalid UTF-8, huge lines, truncated files) is the reader's and
 * lives in io-files' {@code NastyFiles}; by the time a payload is a String it can only be these.
 */
final class NastyPayloads {
  private NastyPayloads() {}

  static final List<String> ALL = List.of(
      "",
      " ",
      "\u0000",
      "{\"index\": 1\u0000}",
      "{\"index\": \"1\u0000\"}",
      "{\"index\": \"1\\u0000\"}",
      "\uFEFF{\"index\": 1}",
      "{\"index\": 1}\r",
      "{\"index\": 1, \"index\": 2}",
      "{\"ind\": 1, \"ind\": 1}",
      "{\"ind\": 1, \"country\": {\"a\": 1, \"a\": 2}}",
      "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
      "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000),
      "[".repeat(10_000),
      "{\"ind\": 123456789012345678901234567890}",
      "{\"ind\": 9223372036854775808}",
      "{\"ind\": -9223372036854775809}",
      "{\"ind\": 1, \"latitude\": 1e999, \"longitude\": 1}",
      "{\"ind\": 1, \"latitude\": -1e999, \"longitude\": 1}",
      "{\"ind\": 1, \"latitude\": 1e-999, \"longitude\": 1}",
      "{\"ind\": 1, \"latitude\": \"12d\", \"longitude\": \"1f\"}",
      "{\"ind\": 1, \"latitude\": \"0x1p3\", \"longitude\": 1}",
      "{\"ind\": 1, \"latitude\": \"NaN\", \"longitude\": \"Infinity\"}",
      "{\"ind\": 1, \"latitude\": \"1_0\", \"longitude\": 1}",
      "{\"ind\": 1, \"latitude\": NaN, \"longitude\": 1}",
      "{\"ind\": 1, \"age\": \"12d\"}",
      "{\"ind\": 1, \"age\": 1e10}",
      "{\"ind\": \"\u008512\u0085\", \"age\": \"\u00A030\u202F\"}",
      "{\"index\": \"7\", \"follower_count\": \"1e3k\"}",
      "{\"index\": \"7\", \"follower_count\": \"" + "9".repeat(400) + "\"}",
      "{\"ind\": 1, \"" + "k".repeat(100_000) + "\": 1}",
      "{\"ind\": \"" + "1".repeat(2_000) + "\"}",
      "{\"ind\": " + "1".repeat(2_000) + "}",
      "{\"ind\": 1, \"timestamp\": \"2020-02-30 00:00:00\"}",
      "{\"ind\": 1, \"timestamp\": \"\u00852020-02-03 00:00:00\u0085\"}",
      "{\"ind\": 1, \"date_joined\": \"+999999999-12-31T23:59:59\"}",
      "{\"ind\": 1, \"coordinates\": [1e999, 2]}",
      "{\"ind\": 1, \"coordinates\": [null, 2]}",
      "{\"ind\": 1, \"coordinates\": \"[1, 2]\"}",
      "{\"ind\": true}",
      "{\"ind\": [1]}",
      "{\"ind\": {}}",
      "{\"ind\": 1} {\"ind\": 2}",
      "{\"ind\": 1}}",
      "{\"ind\": 1",
      "{'ind': 1}",
      "{ind: 1}",
      "{\"ind\": 01}",
      "{\"ind\": +1}",
      "{\"ind\": 1, /* comment */ \"age\": 2}",
      "{\"\uD800\": 1}",
      "{\"ind\": \"\uDFFF\uD800\"}",
      "null",
      "[]",
      "\"just a string\"",
      "12345");
}
