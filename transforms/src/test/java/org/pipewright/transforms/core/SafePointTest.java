package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.joda.time.Instant;
import org.junit.Test;

/** {@link SafePoint.Store#and}; the transform itself runs in the streaming pipelines' tests. */
public class SafePointTest {
  /** Notes every call; a store named "broken" fails to close. */
  private static final class Noting implements SafePoint.Store {
    private final String name;
    private final List<String> calls;

    Noting(String name, List<String> calls) {
      this.name = name;
      this.calls = calls;
    }

    @Override
    public void save(Instant safeTime) {
      calls.add(name + " save " + safeTime.getMillis());
    }

    @Override
    public void close() {
      calls.add(name + " close");
      if (name.equals("broken")) {
        throw new IllegalStateException("cannot close " + name);
      }
    }
  }

  @Test
  public void bothSaveInOrderAndBothClose() throws Exception {
    List<String> calls = new ArrayList<>();
    SafePoint.Store both = new Noting("a", calls).and(new Noting("b", calls));
    both.save(new Instant(5));
    both.close();
    assertEquals(List.of("a save 5", "b save 5", "a close", "b close"), calls);
  }

  @Test
  public void theSecondClosesEvenWhenTheFirstCannot() {
    List<String> calls = new ArrayList<>();
    SafePoint.Store both = new Noting("broken", calls).and(new Noting("b", calls));
    IllegalStateException e = assertThrows(IllegalStateException.class, both::close);
    assertEquals("cannot close broken", e.getMessage());
    assertEquals(List.of("broken close", "b close"), calls);
  }

  @Test
  public void aStoreWithNothingOpenClosesQuietly() throws Exception {
    List<String> calls = new ArrayList<>();
    SafePoint.Store plain = safeTime -> calls.add("save " + safeTime.getMillis());
    plain.and(plain).close();
    plain.save(new Instant(1));
    assertEquals(List.of("save 1"), calls);
  }
}
