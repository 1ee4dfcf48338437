package org.pipewright.transforms.core;

/**
 * A value that cannot be cleaned. Thrown by the plain parsing classes only on bad input (never on
 * the happy path) and turned into a dead letter by the transform that called them.
 */
public class BadValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadValueException(String reason) {
    super(reason, null, false, false);
  }
}
