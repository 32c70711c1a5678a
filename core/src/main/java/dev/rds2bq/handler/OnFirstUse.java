package dev.rds2bq.handler;

import java.util.function.Supplier;

/**
 * A value built at the first invocation instead of in the handler's constructor. With SnapStart the
 * constructor runs once, when a version is published, and every container restores its result: a
 * database password read there would outlive its rotation. Built at first use, it is read per
 * container, as without SnapStart.
 */
public final class OnFirstUse<T> implements Supplier<T> {
  private final Supplier<T> factory;
  private volatile T value;

  public OnFirstUse(Supplier<T> factory) {
    this.factory = factory;
  }

  /** An already-built value (tests, the local run). */
  public static <T> OnFirstUse<T> of(T value) {
    OnFirstUse<T> built = new OnFirstUse<>(() -> value);
    built.value = value;
    return built;
  }

  @Override
  public T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = factory.get();
          value = v;
        }
      }
    }
    return v;
  }
}
