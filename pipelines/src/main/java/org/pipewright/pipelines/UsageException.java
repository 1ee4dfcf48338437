package org.pipewright.pipelines;

/** A bad option, a missing input or an unwritable output: reported as one line, exit code 2. */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message, null, false, false);
  }
}
