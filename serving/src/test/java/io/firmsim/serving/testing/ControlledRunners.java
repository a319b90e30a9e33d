package io.firmsim.serving.testing;

import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.repository.RunnerWrapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link RunnerWrapper} whose runners behave as a test sets per model: pass through, slow (run
 * past the deadline), fail with a runtime exception or an engine failure, or block until released
 * (counting the requests that entered).
 */
public final class ControlledRunners implements RunnerWrapper {
  /** What a model's runner does. */
  public enum Behaviour {
    SLOW,
    THROW,
    ENGINE,
    BLOCK
  }

  private final Map<String, Behaviour> behaviour = new ConcurrentHashMap<>();
  private final AtomicInteger closed = new AtomicInteger();
  private final java.util.concurrent.Semaphore closings = new java.util.concurrent.Semaphore(0);
  private volatile CountDownLatch entered = new CountDownLatch(0);
  private volatile CountDownLatch release = new CountDownLatch(0);

  public void set(String model, Behaviour b) {
    behaviour.put(model, b);
  }

  public void clear() {
    behaviour.clear();
  }

  /** Blocks the next {@code n} requests of BLOCK models until {@link #release()}. */
  public void arm(int n) {
    entered = new CountDownLatch(n);
    release = new CountDownLatch(1);
  }

  public boolean awaitEntered(long seconds) throws InterruptedException {
    return entered.await(seconds, TimeUnit.SECONDS);
  }

  public void release() {
    release.countDown();
  }

  /** How many wrapped runners have been closed. */
  public int closed() {
    return closed.get();
  }

  /** Waits until {@code n} more runners have been closed. */
  public boolean awaitClosings(int n, long seconds) throws InterruptedException {
    return closings.tryAcquire(n, seconds, TimeUnit.SECONDS);
  }

  @Override
  public InferenceRunner wrap(String model, String version, InferenceRunner session) {
    return new InferenceRunner() {
      @Override
      public ModelSignature signature() {
        return session.signature();
      }

      @Override
      public List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos)
          throws InferenceException {
        Behaviour b = behaviour.get(model);
        if (b == null) {
          return session.infer(inputs, deadlineNanos);
        }
        switch (b) {
          case SLOW -> {
            // A computation that outlasts the deadline, then hands over to the session.
            while (System.nanoTime() - deadlineNanos <= 0) {
              LockSupport.parkNanos(5_000_000);
            }
            return session.infer(inputs, deadlineNanos);
          }
          case THROW -> throw new IllegalStateException("injected failure in " + model);
          case ENGINE ->
              throw new InferenceException(
                  InferenceException.Reason.ENGINE, "injected engine failure in " + model);
          default -> {
            entered.countDown();
            try {
              if (!release.await(60, TimeUnit.SECONDS)) {
                throw new InferenceException(InferenceException.Reason.TIMEOUT, "never released");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InferenceException(InferenceException.Reason.UNAVAILABLE, "interrupted");
            }
            return session.infer(inputs, Long.MAX_VALUE);
          }
        }
      }

      @Override
      public void close() {
        closed.incrementAndGet();
        session.close();
        closings.release();
      }
    };
  }
}
