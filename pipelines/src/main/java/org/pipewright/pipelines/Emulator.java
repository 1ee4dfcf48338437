package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Emulates the Pinterest post stream: for each post one pin, one geo and one user record, with the
 * dirtiness of the real data (follower counts like {@code 43k} and {@code 1M}, placeholders,
 * stray white space, the {@code img_src} alias, the old schema without {@code poster_name}, string
 * ages, two timestamp forms), exact re-sends of earlier posts, and occasional malformed records.
 * Seeded: the same settings always give the same files.
 *
 * <pre>
 * java -cp pipewright-pipelines-bundled.jar org.pipewright.pipelines.Emulator --output=DIR --posts=10000
 * </pre>
 */
public final class Emulator {
  static final List<String> CATEGORIES = List.of("art", "beauty", "christmas", "diy-and-crafts",
      "education", "event-planning", "finance", "home-decor", "mens-fashion", "quotes", "tattoos",
      "travel", "vehicles");
  private static final List<String> COUNTRIES = List.of("Afghanistan", "Albania", "Algeria",
      "American Samoa", "Andorra", "Angola", "Argentina", "Armenia", "Aruba", "Australia", "Austria",
      "Bangladesh", "Belgium", "Bolivia", "Brazil", "British Indian Ocean Territory (Chagos Archipelago)",
      "Bulgaria", "Cambodia", "Canada", "Chile", "Colombia", "Côte d'Ivoire", "Cuba", "Denmark",
      "Egypt", "Estonia", "Fiji", "France", "Germany", "Ghana", "Greece", "Iceland", "India",
      "Indonesia", "Ireland", "Italy", "Japan", "Kenya", "Maldives", "Mexico", "Nepal", "Norway",
      "Palestinian Territory", "Peru", "Poland", "Portugal", "Réunion", "Senegal", "Spain",
      "Sweden", "Togo", "Uganda", "United Kingdom", "Vietnam", "Western Sahara", "Zimbabwe");
  private static final List<String> FIRST = List.of("Abigail", "Dylan", "Christopher", "Alexandra",
      "Andrew", "Bailey", "Brian", "Charles", "Daniel", "Elizabeth", "Emily", "Grace", "Isaac",
      "Jessica", "Kimberly", "Leah", "Michael", "Nicole", "Olivia", "Ryan", "Sophia", "Zoë");
  private static final List<String> LAST = List.of("Ali", "Holmes", "Montgomery", "Rodriguez",
      "Smith", "Johnson", "Ortiz", "Brown", "Martin", "Nguyen", "Kowalski", "O'Neil", "Müller");
  private static final List<String> POSTERS = List.of("9GAG", "YourTango", "The Minds Journal",
      "Of Life & Lisa | Lifestyle Blog", "WeAreTeachers", "PUFIK Interiors & Inspirations",
      "Simply Charming Socials | Event Planning & Design", "Tastemade", "Refinery29", "Cosmopolitan",
      "Glamour", "DIY Joy - Crafts, Home Improvement, Decor & Recipes", "Better Homes and Gardens",
      "BuzzFeed", "Country Living Magazine", "Architectural Digest", "Inked Magazine",
      "Лучшие идеи", "Travel + Leisure", "Motor Trend");
  private static final List<String> WORDS = List.of("easy", "cozy", "summer", "vintage", "DIY",
      "ideas", "for", "kids", "home", "decor", "tattoo", "quotes", "budget", "party", "christmas",
      "gift", "makeup", "nails", "travel", "tips", "men's", "outfit", "classic", "car", "art",
      "watercolor", "✨", "🎄", "money", "saving", "wedding", "studio", "minimal");
  private static final String[] TIMESTAMP_SEPARATORS = {"T", " "};
  private static final java.time.format.DateTimeFormatter LIVE_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private final Random random;
  private final EmulatorOptions options;
  private final ObjectMapper mapper = new ObjectMapper();

  private Emulator(EmulatorOptions options) {
    this.options = options;
    this.random = new Random(options.getSeed());
  }

  /** What was written, per record kind: lines, exact re-sends and malformed records. */
  public static final class Stats {
    public final Map<String, long[]> counts = new LinkedHashMap<>();

    Stats() {
      for (String kind : PinterestBatch.KINDS) {
        counts.put(kind, new long[3]);
      }
    }

    public long records(String kind) {
      return counts.get(kind)[0];
    }

    /** Re-sent copies of well-formed records: what deduplication must remove. */
    public long duplicates(String kind) {
      return counts.get(kind)[1];
    }

    /** Malformed lines written (re-sent ones included): what must be dead-lettered. */
    public long malformed(String kind) {
      return counts.get(kind)[2];
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("{");
      counts.forEach((kind, c) -> s.append(String.format(Locale.ROOT,
          "%s\"%s\": {\"records\": %d, \"duplicates\": %d, \"malformed\": %d}",
          s.length() > 1 ? ", " : "", kind, c[0], c[1], c[2])));
      return s.append("}").toString();
    }
  }

  public static void main(String[] args) {
    Cli.main(args, a -> System.out.println("emulated: " + run(a)));
  }

  public static Stats run(String[] args) throws Exception {
    EmulatorOptions options = Cli.parse(args, EmulatorOptions.class);
    if (options.getPosts() < 0 || options.getRate() < 0 || options.getDurationSeconds() < 0) {
      throw new UsageException("--posts, --rate and --durationSeconds must be >= 0");
    }
    for (double rate : new double[] {options.getDuplicateRate(), options.getMalformedRate()}) {
      if (rate < 0 || rate > 1) {
        throw new UsageException("--duplicateRate and --malformedRate must be within [0, 1]");
      }
    }
    String sink = options.getSink().trim().toLowerCase(Locale.ROOT);
    EmulatorSink out;
    switch (sink) {
      case "files":
        if (options.getOutput() == null) {
          throw new UsageException("--output is required with --sink=files");
        }
        out = EmulatorSink.files(options.getOutput(), PinterestBatch.KINDS);
        break;
      case "kafka":
        out = EmulatorSink.kafka(options, PinterestBatch.KINDS);
        break;
      case "kinesis":
        out = EmulatorSink.kinesis(options, PinterestBatch.KINDS);
        break;
      default:
        throw new UsageException("--sink: use files, kafka or kinesis, got '" + options.getSink() + "'");
    }
    try (EmulatorSink closing = out) {
      // Files hold historical posts (random dates); a live sink stamps each post with its send time.
      return new Emulator(options).emit(closing, !sink.equals("files"));
    }
  }

  private static final long PROGRESS_NANOS = 10_000_000_000L;

  private Stats emit(EmulatorSink sink, boolean live) throws Exception {
    Stats stats = new Stats();
    // Recent posts, so that re-sends arrive a little later than the original, as in the real feed.
    Deque<String[]> recent = new ArrayDeque<>();
    List<boolean[]> malformedFlags = new ArrayList<>();
    List<Long> sentAt = new ArrayList<>();
    double rate = options.getRate();
    long start = System.nanoTime();
    long deadline = options.getDurationSeconds() > 0 ? start + options.getDurationSeconds() * 1_000_000_000L : 0;
    long records = 0;
    long nextProgress = start + PROGRESS_NANOS;
    for (long i = 0; deadline > 0 ? System.nanoTime() < deadline : i < options.getPosts(); i++) {
      if (System.nanoTime() >= nextProgress) {
        // A long or timed run says how far it is, like the pipelines do
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("progress %4.0fs  posts=%d records=%d (%.0f records/s)%s%n", seconds, i, records,
            records / seconds, deadline > 0 ? String.format(", %.0fs left", (deadline - System.nanoTime()) / 1e9) : "");
        nextProgress += PROGRESS_NANOS;
      }
      long now = System.currentTimeMillis();
      String[] lines = new String[3];
      boolean[] malformed = new boolean[3];
      long ind = i + 1;
      lines[0] = pin(ind);
      lines[1] = geo(ind, live ? now : null);
      lines[2] = user(ind);
      for (int k = 0; k < 3; k++) {
        if (random.nextDouble() < options.getMalformedRate()) {
          lines[k] = malform(PinterestBatch.KINDS.get(k), lines[k]);
          malformed[k] = true;
        }
      }
      emit(sink, stats, ind, lines, malformed, false, now);
      recent.addLast(lines);
      malformedFlags.add(malformed);
      sentAt.add(now);
      if (recent.size() > 50) {
        recent.removeFirst();
        malformedFlags.remove(0);
        sentAt.remove(0);
      }
      if (random.nextDouble() < options.getDuplicateRate()) {
        int pick = random.nextInt(recent.size());
        String[] again = new ArrayList<>(recent).get(pick);
        // A re-send carries its post's original time, so it lands in the same event-time window.
        long againInd = ind - (recent.size() - 1 - pick);
        emit(sink, stats, againInd, again, malformedFlags.get(pick), true, sentAt.get(pick));
        records += 3;
      }
      records += 3;
      if (rate > 0) {
        long due = start + (long) (records / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    }
    sink.flush();
    return stats;
  }

  private static void emit(EmulatorSink sink, Stats stats, long ind, String[] lines, boolean[] malformed,
      boolean resend, long timestamp) throws IOException {
    for (int k = 0; k < 3; k++) {
      String kind = PinterestBatch.KINDS.get(k);
      long[] c = stats.counts.get(kind);
      c[0]++;
      if (malformed[k]) {
        c[2]++;
      } else if (resend) {
        c[1]++;
      }
      sink.send(kind, ind, lines[k], timestamp);
    }
  }

  private String pin(long ind) {
    String category = pick(CATEGORIES);
    boolean userError = random.nextDouble() < 0.02;
    ObjectNode pin = mapper.createObjectNode();
    pin.put("index", ind);
    pin.put("unique_id", new UUID(random.nextLong(), random.nextLong()).toString());
    pin.put("title", random.nextDouble() < 0.02 ? "No Title Data Available" : sentence(4 + random.nextInt(6)));
    double d = random.nextDouble();
    pin.put("description", d < 0.06 ? "No description available Story format"
        : d < 0.07 ? "No description available" : d < 0.08 ? "Untitled" : sentence(8 + random.nextInt(20)));
    boolean oldSchema = random.nextDouble() < 0.03;
    if (!oldSchema) {
      pin.put("poster_name", userError ? "User Info Error" : strayWhitespace(pick(POSTERS)));
    }
    pin.put("follower_count", userError ? "User Info Error" : followerCount());
    pin.put("tag_list", random.nextDouble() < 0.03 ? "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e" : tags());
    double media = random.nextDouble();
    boolean story = media < 0.06;
    pin.put("is_image_or_video", story ? "multi-video(story page format)" : media < 0.11 ? "video" : "image");
    String image = random.nextDouble() < 0.05 ? "Image src error."
        : String.format(Locale.ROOT, "https://i.pinimg.com/originals/%02x/%02x/%08x.jpg",
            random.nextInt(256), random.nextInt(256), random.nextInt());
    pin.put(random.nextDouble() < 0.1 ? "img_src" : "image_src", image);
    pin.put("downloaded", random.nextInt(2));
    pin.put("save_location", "Local save in /data/" + category);
    pin.put("category", category);
    return pin.toString();
  }

  private String geo(long ind, Long postTime) {
    ObjectNode geo = mapper.createObjectNode();
    geo.put("ind", ind);
    // Drawn even when live, so that a seed gives the same posts in files and in a stream.
    String historical = timestamp(2017, 2022);
    geo.put("timestamp", postTime == null ? historical
        : LIVE_TIME.format(java.time.LocalDateTime.ofEpochSecond(postTime / 1000, 0, java.time.ZoneOffset.UTC)));
    geo.put("latitude", Math.round((random.nextDouble() * 180 - 90) * 1e4) / 1e4);
    geo.put("longitude", Math.round((random.nextDouble() * 360 - 180) * 1e3) / 1e3);
    geo.put("country", pick(COUNTRIES));
    return geo.toString();
  }

  private String user(long ind) {
    ObjectNode user = mapper.createObjectNode();
    user.put("ind", ind);
    user.put("first_name", pick(FIRST));
    user.put("last_name", pick(LAST));
    int age = 20 + random.nextInt(40);
    if (random.nextDouble() < 0.05) {
      user.put("age", Integer.toString(age));
    } else {
      user.put("age", age);
    }
    user.put("date_joined", timestamp(2015, 2017));
    return user.toString();
  }

  /** A line cut in the middle, as a broken producer sends it, but never inside a character. */
  static String firstHalf(String line) {
    int cut = line.length() / 2;
    if (cut > 0 && Character.isHighSurrogate(line.charAt(cut - 1))) {
      cut--; // an emoji is two chars; half of one cannot be written as UTF-8
    }
    return line.substring(0, cut);
  }

  private String malform(String kind, String line) {
    switch (random.nextInt(4)) {
      case 0:
        return firstHalf(line);
      case 1:
        return line.replaceFirst("\"(index|ind)\":\\d+,", "");
      case 2:
        if (kind.equals("pin")) {
          return line.replaceFirst("\"follower_count\":\"[^\"]*\"", "\"follower_count\":\"lots\"");
        }
        return line.replaceFirst("(\"(timestamp|date_joined)\":\")\\d{4}-\\d{2}", "$12020-13");
      default:
        if (kind.equals("geo")) {
          return line.replaceFirst("\"latitude\":[-0-9.E]+", "\"latitude\":\"north\"");
        }
        if (kind.equals("user")) {
          return line.replaceFirst("\"age\":(\"?)\\d+\"?", "\"age\":\"abc\"");
        }
        return line.replaceFirst("\"title\":", "\"title\":{\"text\":1},\"x\":");
    }
  }

  private String followerCount() {
    double r = random.nextDouble();
    if (r < 0.34) {
      return (10 + random.nextInt(90)) + "k";
    } else if (r < 0.58) {
      return (100 + random.nextInt(900)) + "k";
    } else if (r < 0.77) {
      return (1 + random.nextInt(9)) + "k";
    } else if (r < 0.79) {
      return (1 + random.nextInt(9)) + "." + (1 + random.nextInt(9)) + "k";
    } else if (r < 0.88) {
      return Integer.toString(100 + random.nextInt(900));
    } else if (r < 0.95) {
      return (1 + random.nextInt(9)) + "M";
    } else {
      return Integer.toString(random.nextInt(100));
    }
  }

  private String timestamp(int fromYear, int toYear) {
    return String.format(Locale.ROOT, "%04d-%02d-%02d%s%02d:%02d:%02d",
        fromYear + random.nextInt(toYear - fromYear + 1), 1 + random.nextInt(12), 1 + random.nextInt(28),
        TIMESTAMP_SEPARATORS[random.nextDouble() < 0.2 ? 1 : 0],
        random.nextInt(24), random.nextInt(60), random.nextInt(60));
  }

  private String strayWhitespace(String name) {
    double r = random.nextDouble();
    return r < 0.02 ? name + "\u00a0" : r < 0.03 ? " " + name + " " : name;
  }

  private String tags() {
    int n = 1 + random.nextInt(8);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i > 0 ? "," : "").append(capitalize(pick(WORDS))).append(' ').append(capitalize(pick(WORDS)));
    }
    return s.toString();
  }

  private String sentence(int words) {
    StringBuilder s = new StringBuilder(capitalize(pick(WORDS)));
    for (int i = 1; i < words; i++) {
      s.append(' ').append(pick(WORDS));
    }
    return s.toString();
  }

  private static String capitalize(String word) {
    return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
