package org.pipewright.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stand-in retail APIs' data: a seeded catalogue of {@value #CATALOGUE_SIZE} items with the
 * real APIs' fields, and for any date the 25 trending items, the value of the day and USD exchange
 * rates. Everything is a pure function of the seed and the date, so a date answers the same on
 * every call and in every process.
 *
 * <p>Realism where the pipelines care: names with quotes, commas and non-ASCII letters; {@code msrp}
 * absent for some items and not above {@code salePrice} for others; {@code customerRating} a string
 * ({@code "4.148"}), absent for some; popular items trend on many days (weights fall off by
 * popularity rank); prices drop on some days; rates drift slowly and smoothly from date to date.
 */
public final class RetailData {
  public static final int CATALOGUE_SIZE = 300;
  public static final int TRENDING = 25;
  public static final long DEFAULT_SEED = 20170302L;
  /** The currencies quoted against USD, in the order the answers list them. */
  public static final List<String> CURRENCIES =
      List.of("AED", "AUD", "CAD", "CHF", "CNY", "EUR", "GBP", "INR", "JPY", "ZAR");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, Double> BASE_RATES = baseRates();

  private final long seed;
  private final List<Item> catalogue;

  /** One catalogue entry; {@code weight} is how likely it is to trend on a day. */
  private static final class Item {
    long itemId;
    long parentItemId;
    String name;
    BigDecimal salePrice;
    BigDecimal msrp;
    String customerRating;
    int numReviews;
    Category category;
    String brand;
    String upc;
    String modelNumber;
    String shortDescription;
    String image;
    String slug;
    double weight;
  }

  private RetailData(long seed) {
    this.seed = seed;
    this.catalogue = buildCatalogue(seed);
  }

  public static RetailData withSeed(long seed) {
    return new RetailData(seed);
  }

  public static RetailData standard() {
    return new RetailData(DEFAULT_SEED);
  }

  public long seed() {
    return seed;
  }

  /** The item ids of the whole catalogue. */
  public List<Long> itemIds() {
    List<Long> ids = new ArrayList<>();
    for (Item item : catalogue) {
      ids.add(item.itemId);
    }
    return ids;
  }

  /** {@code {"time": <epoch ms>, "items": [25 items]}} for {@code date}. */
  public ObjectNode trends(LocalDate date) {
    long day = date.toEpochDay();
    Random random = new Random(mix(seed, day, 1));
    // Weighted sampling without replacement: the 25 largest keys u^(1/w) (Efraimidis-Spirakis)
    List<Map.Entry<Double, Item>> keyed = new ArrayList<>();
    for (Item item : catalogue) {
      keyed.add(Map.entry(Math.pow(random.nextDouble(), 1.0 / item.weight), item));
    }
    keyed.sort(Map.Entry.<Double, Item>comparingByKey().reversed());
    ObjectNode answer = MAPPER.createObjectNode();
    long time = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
        + 9 * 3_600_000L + Math.floorMod(mix(seed, day, 2), 8 * 3_600_000L);
    answer.put("time", time);
    var items = answer.putArray("items");
    for (int i = 0; i < TRENDING; i++) {
      items.add(item(keyed.get(i).getValue(), day));
    }
    return answer;
  }

  /** The value-of-the-day item object for {@code date}: one of the cheaper tool and home items. */
  public ObjectNode valueOfTheDay(LocalDate date) {
    List<Item> candidates = new ArrayList<>();
    for (Item item : catalogue) {
      if (item.category.vod) {
        candidates.add(item);
      }
    }
    Random random = new Random(mix(seed, date.toEpochDay(), 3));
    return item(candidates.get(random.nextInt(candidates.size())), date.toEpochDay());
  }

  /** USD to each of {@link #CURRENCIES} on {@code date}, 6 decimals. */
  public Map<String, BigDecimal> rates(LocalDate date) {
    long day = date.toEpochDay();
    Map<String, BigDecimal> quotes = new LinkedHashMap<>();
    for (String ccy : CURRENCIES) {
      Random phases = new Random(mix(seed, ccy.hashCode(), 4));
      double p1 = phases.nextDouble() * 2 * Math.PI;
      double p2 = phases.nextDouble() * 2 * Math.PI;
      double noise = new Random(mix(seed + ccy.hashCode(), day, 5)).nextDouble() * 2 - 1;
      // AED is pegged to the dollar: it barely moves
      double scale = ccy.equals("AED") ? 0.002 : 1;
      double drift = scale * (0.04 * Math.sin(2 * Math.PI * day / 97 + p1)
          + 0.01 * Math.sin(2 * Math.PI * day / 23 + p2) + 0.002 * noise);
      quotes.put(ccy, BigDecimal.valueOf(BASE_RATES.get(ccy) * (1 + drift)).setScale(6, RoundingMode.HALF_UP));
    }
    return quotes;
  }

  /**
   * A currencylayer answer for {@code date}: {@code historical} adds {@code "historical": true} and
   * {@code "date"}; {@code timestamp} is the epoch second it claims.
   */
  public ObjectNode ratesAnswer(LocalDate date, boolean historical, long timestamp) {
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("success", true);
    answer.put("terms", "https://currencylayer.com/terms");
    answer.put("privacy", "https://currencylayer.com/privacy");
    if (historical) {
      answer.put("historical", true);
      answer.put("date", date.toString());
    }
    answer.put("timestamp", timestamp);
    answer.put("source", "USD");
    ObjectNode quotes = answer.putObject("quotes");
    rates(date).forEach((ccy, rate) -> quotes.put("USD" + ccy, rate.doubleValue()));
    return answer;
  }

  /** The last second of {@code date} (UTC): what currencylayer's historical answers carry. */
  public static long endOfDay(LocalDate date) {
    return date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
  }

  private ObjectNode item(Item item, long day) {
    Random today = new Random(mix(seed, day * 1_000_003L + item.itemId, 6));
    BigDecimal price = item.salePrice;
    if (today.nextDouble() < 0.25) {
      // A rollback: 5 to 25 % off for the day
      price = price.multiply(BigDecimal.valueOf(75 + today.nextInt(21), 2)).setScale(2, RoundingMode.HALF_UP);
    }
    double stockDraw = today.nextDouble();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("itemId", item.itemId);
    node.put("parentItemId", item.parentItemId);
    node.put("name", item.name);
    if (item.msrp != null) {
      node.put("msrp", item.msrp.doubleValue());
    }
    node.put("salePrice", price.doubleValue());
    node.put("upc", item.upc);
    node.put("categoryPath", item.category.path);
    node.put("shortDescription", item.shortDescription);
    node.put("brandName", item.brand);
    node.put("thumbnailImage", item.image + "?odnHeight=100&odnWidth=100&odnBg=FFFFFF");
    node.put("mediumImage", item.image + "?odnHeight=180&odnWidth=180&odnBg=FFFFFF");
    node.put("largeImage", item.image + "?odnHeight=450&odnWidth=450&odnBg=FFFFFF");
    node.put("productTrackingUrl", "https://linksynergy.retail.example/fs-bin/click?id=pw&subid=0&offerid=223073.1&type=10"
        + "&tmpid=7995&RD_PARM1=https%3A%2F%2Fwww.retail.example%2Fip%2F" + item.itemId);
    node.put("standardShipRate", item.salePrice.compareTo(BigDecimal.valueOf(35)) >= 0 ? 0.0 : 5.99);
    node.put("marketplace", false);
    node.put("modelNumber", item.modelNumber);
    node.put("productUrl", "https://www.retail.example/ip/" + item.slug + "/" + item.itemId);
    if (item.customerRating != null) {
      node.put("customerRating", item.customerRating);
      node.put("numReviews", item.numReviews);
      node.put("customerRatingImage", "https://i2.retail.example/i/CustRating/" + item.customerRating + ".gif");
    }
    node.put("categoryNode", item.category.node);
    node.put("bundle", false);
    node.put("clearance", price.compareTo(item.salePrice) < 0 && stockDraw < 0.05);
    node.put("preOrder", false);
    node.put("stock", stockDraw < 0.8 ? "Available" : stockDraw < 0.95 ? "Limited Supply" : "Not available");
    node.put("addToCartUrl", "https://affil.retail.example/cart/addToCart?items=" + item.itemId);
    node.put("affiliateAddToCartUrl", "https://linksynergy.retail.example/fs-bin/click?id=pw&RD_PARM1=" + item.itemId);
    node.put("freeShippingOver35Dollars", item.salePrice.compareTo(BigDecimal.valueOf(35)) < 0);
    node.put("availableOnline", stockDraw < 0.95);
    node.put("offerType", "ONLINE_AND_STORE");
    node.put("isTwoDayShippingEligible", item.itemId % 3 == 0);
    return node;
  }

  // ----- the catalogue -----

  private static final class Category {
    final String path;
    final String node;
    final List<String> brands;
    final List<String> products;
    final double minPrice;
    final double maxPrice;
    final boolean vod;

    Category(String path, String node, List<String> brands, List<String> products, double minPrice,
        double maxPrice, boolean vod) {
      this.path = path;
      this.node = node;
      this.brands = brands;
      this.products = products;
      this.minPrice = minPrice;
      this.maxPrice = maxPrice;
      this.vod = vod;
    }
  }

  // {n} is replaced by a size or a count, {c} by a colour
  private static final List<Category> CATEGORIES = List.of(
      new Category("Electronics/TV & Video/TVs", "3944_1060825_447913",
          List.of("Proscan", "RCA", "Sceptre", "Vizio", "Hisense", "Element"),
          List.of("{n}\" 1080p 60Hz LED HDTV", "{n}\" 4K Ultra HD Smart LED TV", "{n}\" 720p LED TV, {c}"),
          99, 899, false),
      new Category("Electronics/Computers/Tablets", "3944_1078524_1078084",
          List.of("RCA", "Samsung", "Lenovo", "Onn", "Alcatel"),
          List.of("Voyager 7\" 16GB Tablet Android 6.0 (Marshmallow)", "Galaxy Tab A 8\" 32GB, {c}",
              "Tab 10\" 2GB RAM, 16GB Storage, Quad-Core, Android"),
          39, 329, false),
      new Category("Electronics/Video Games/Xbox One", "2636_1224908_1224919",
          List.of("Microsoft", "PowerA", "Turtle Beach"),
          List.of("Xbox One Wireless Controller, {c}", "Recon 50X Gaming Headset", "Charging Station for Xbox One"),
          19, 69, false),
      new Category("Electronics/Video Games/PlayStation 4", "2636_1102672_1106096",
          List.of("Activision", "Sony", "Warner Bros.", "Ubisoft"),
          List.of("Call Of Duty Infinite Warfare (PS4)", "LEGO Marvel's Avengers (PS4)",
              "Pokémon-style Adventure Collection, \"Deluxe\" Edition (PS4)", "Far Cry Primal (PS4)"),
          14, 59, false),
      new Category("Home/Kitchen/Small Appliances", "4044_90548_90546",
          List.of("Hamilton Beach", "Igloo", "Keurig", "De'Longhi", "Ninja®", "Crock-Pot"),
          List.of("Portable Countertop Ice Maker", "12-Cup Programmable Coffee Maker, {c}",
              "Crème Brûlée Torch Set", "{n}-Quart Slow Cooker, Stainless Steel", "Professional Blender, 72 oz"),
          14, 199, false),
      new Category("Home/Appliances/Freezers", "4044_90548_1225045",
          List.of("Haier", "Arctic King", "Frigidaire"),
          List.of("{n}.0 cu ft Freezer, {c}", "Chest Freezer, {n}.1 cu ft"),
          139, 399, false),
      new Category("Baby/Car Seats/Convertible Car Seats", "5427_91365_91366",
          List.of("Graco", "Evenflo", "Safety 1st", "Cosco"),
          List.of("4Ever All-in-1 Convertible Car Seat, Choose Your Pattern", "Tribute 5 Convertible Car Seat, {c}",
              "Grow and Go 3-in-1 Car Seat, \"Harvest\""),
          49, 349, false),
      new Category("Baby/Nursery/Mattresses", "5427_414099_1101429",
          List.of("Kolcraft", "Sealy", "Dream On Me"),
          List.of("Pediatric 800 Crib and Toddler Mattress", "Baby Firm Rest Crib Mattress, {n}\""),
          29, 129, false),
      new Category("Sports & Outdoors/Camping/Air Mattresses", "4125_546956_1224931",
          List.of("Intex", "Ozark Trail", "Coleman", "Bestway"),
          List.of("Queen {n}\" DuraBeam High Rise Airbed Mattress with Built-in Pump", "Twin Airbed, {c}",
              "{n}-Person Instant Cabin Tent"),
          19, 189, false),
      new Category("Sports & Outdoors/Basketball", "4125_4161_1224916",
          List.of("Spalding", "Lifetime", "Silverback"),
          List.of("NBA {n}\" Polycarbonate Backboard", "Official Size 7 Basketball, {c}"),
          14, 299, false),
      new Category("Home/Furniture/Dining Sets", "4044_103150_1100989",
          List.of("Mainstays", "Better Homes & Gardens", "Hôtel Collection"),
          List.of("Albany Lane 6-Piece Folding Dining Set, Multiple Colors", "Café Bistro Set, {n}-Piece, {c}",
              "Parsons Dining Chair, Set of {n}"),
          49, 299, false),
      new Category("Home Improvement/Tools/Hand Tools", "1072864_1031899_1067612",
          List.of("Bostitch", "Stanley", "Dremel", "RotoZip", "Black & Decker", "Knape and Vogt"),
          List.of("{n}-Piece Tic Tac Box, BSA2{n}DGM", "Extendable Runner, Corner, {n}\" x {n}\"",
              "190 High Speed Cutter", "1/8\" GP8 Guidepoint Drywall ZipBit, {n}pk",
              "{n}' White Closet Pole", "12\" 6 Tpi Recip Blade, 3-Pack, BSA48{n}M", "7\" Turbo (Diamond Blade), BSA47{n}M"),
          2, 49, true),
      new Category("Home/Bath/Towel Holders", "4044_539095_1231449",
          List.of("Moen", "Franklin Brass", "Vanity Top"),
          List.of("2-Arm Guest Towel Holder (Build to Order), {c}", "{n}\" Towel Bar, Brushed Nickel"),
          9, 159, true),
      new Category("Food/Coffee", "976759_1086446_1229652",
          List.of("Café Bustelo", "Nescafé", "Starbucks", "Folgers"),
          List.of("Espresso Style Dark Roast Ground Coffee, {n} oz", "Clásico Dark Roast Instant Coffee, {n} oz"),
          3, 24, false),
      new Category("Beauty/Hair Care/Shampoo", "1085666_1071969_1071971",
          List.of("L'Oréal Paris", "Garnier", "Pantene"),
          List.of("Elvive Total Repair 5 Shampoo, {n} fl oz", "Fructis Sleek & Shine Conditioner, {n} fl oz, 2 Pack"),
          3, 19, false));

  private static final List<String> COLOURS = List.of("White", "Black", "Red", "Blue", "Gray", "Espresso",
      "Crème", "Çay Green", "Silver");

  private static List<Item> buildCatalogue(long seed) {
    Random random = new Random(seed);
    Set<Long> ids = new TreeSet<>();
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < CATALOGUE_SIZE; i++) {
      Category category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
      Item item = new Item();
      do {
        item.itemId = 10_000_000L + random.nextInt(890_000_000);
      } while (!ids.add(item.itemId));
      Item previous = items.isEmpty() ? null : items.get(items.size() - 1);
      // Some items are variants (another colour) of the previous one: same parent
      item.parentItemId = previous != null && previous.category == category && random.nextDouble() < 0.5
          ? previous.parentItemId : item.itemId;
      item.category = category;
      item.brand = category.brands.get(random.nextInt(category.brands.size()));
      String product = category.products.get(random.nextInt(category.products.size()))
          .replace("{c}", COLOURS.get(random.nextInt(COLOURS.size())));
      while (product.contains("{n}")) {
        product = product.replaceFirst("\\{n}", Integer.toString(2 + random.nextInt(60)));
      }
      item.name = product.startsWith(item.brand) ? product : item.brand + " " + product;
      double price = category.minPrice + random.nextDouble() * (category.maxPrice - category.minPrice);
      item.salePrice = BigDecimal.valueOf(price).setScale(2, RoundingMode.HALF_UP);
      double msrpDraw = random.nextDouble();
      if (msrpDraw < 0.15) {
        item.msrp = null;
      } else if (msrpDraw < 0.22) {
        // Not above the sale price: equal, or below (the feed's data is like that)
        item.msrp = msrpDraw < 0.18 ? item.salePrice
            : item.salePrice.multiply(BigDecimal.valueOf(0.9)).setScale(2, RoundingMode.HALF_UP);
      } else {
        item.msrp = BigDecimal.valueOf(price * (1.02 + random.nextDouble() * 0.6)).setScale(2, RoundingMode.HALF_UP);
      }
      if (random.nextDouble() < 0.1) {
        item.customerRating = null;
      } else {
        BigDecimal rating = BigDecimal.valueOf(3 + random.nextDouble() * 2).setScale(3, RoundingMode.HALF_UP)
            .stripTrailingZeros();
        item.customerRating = rating.scale() <= 0 ? rating.setScale(1).toPlainString() : rating.toPlainString();
        item.numReviews = 1 + random.nextInt(4000);
      }
      item.upc = String.format(Locale.ROOT, "%012d", (long) (random.nextDouble() * 1e12));
      item.modelNumber = item.brand.substring(0, Math.min(3, item.brand.length())).toUpperCase(Locale.ROOT)
          .replaceAll("[^A-Z]", "X") + (1000 + random.nextInt(9000));
      item.shortDescription = random.nextBoolean()
          ? "&lt;p&gt;The " + item.name.replace("\"", "&quot;") + " is built to last, with a 1-year limited warranty.&lt;/p&gt;"
          : item.name + ": easy to use, easy to clean. Ships in 1–2 days.";
      item.image = "https://i5.retail.example/asr/" + String.format(Locale.ROOT, "%08x-%04x", random.nextInt(),
          random.nextInt(0x10000)) + ".jpeg";
      item.slug = item.name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
      items.add(item);
    }
    // Popularity: a seeded ranking; the weight falls off with the rank, so the top items trend on
    // most days and the tail rarely
    List<Integer> ranks = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ranks.add(i);
    }
    Collections.shuffle(ranks, random);
    for (int i = 0; i < items.size(); i++) {
      items.get(i).weight = 1.0 / Math.pow(1 + ranks.get(i), 1.1);
    }
    items.sort(Comparator.comparingLong(item -> item.itemId));
    return List.copyOf(items);
  }

  private static Map<String, Double> baseRates() {
    Map<String, Double> rates = new LinkedHashMap<>();
    rates.put("AED", 3.6725);
    rates.put("AUD", 1.52);
    rates.put("CAD", 1.36);
    rates.put("CHF", 0.88);
    rates.put("CNY", 7.18);
    rates.put("EUR", 0.92);
    rates.put("GBP", 0.79);
    rates.put("INR", 83.2);
    rates.put("JPY", 149.5);
    rates.put("ZAR", 18.6);
    return rates;
  }

  /** A seed for one purpose ({@code salt}) on one day (or any other long). */
  private static long mix(long seed, long value, long salt) {
    long h = seed * 0x9E3779B97F4A7C15L + value * 0xC2B2AE3D27D4EB4FL + salt * 0x165667B19E3779F9L;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return h;
  }
}
