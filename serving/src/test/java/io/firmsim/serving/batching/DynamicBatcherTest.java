package io.firmsim.serving.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher against {@link RowWiseRunner}, a fake model that records the runs it is given.
 * Batches are made deterministic by the policy (a long delay, so that a batch starts exactly when
 * it is full) or by holding the model's first run while the next requests queue up; every answer is
 * checked against the model's direct answer to the request alone.
 */
class DynamicBatcherTest {
  private static final Duration LONG = Duration.ofSeconds(10);
  private static final double[] MACRO_A = {0.5, 2};
  private static final double[] MACRO_B = {-3, 0.25};

  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final List<DynamicBatcher> batchers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (DynamicBatcher b : batchers) {
      b.close();
    }
    callers.shutdownNow();
    assertTrue(callers.awaitTermination(10, TimeUnit.SECONDS));
  }

  private DynamicBatcher batcher(RowWiseRunner model, BatchPolicy policy, BatchListener listener) {
    DynamicBatcher b = new DynamicBatcher("fake", model, policy, listener);
    batchers.add(b);
    return b;
  }

  private DynamicBatcher batcher(RowWiseRunner model, BatchPolicy policy) {
    return batcher(model, policy, BatchListener.NONE);
  }

  private static long in(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  private Future<List<HostTensor>> submit(DynamicBatcher b, List<HostTensor> request) {
    return submit(b, request, in(LONG));
  }

  private Future<List<HostTensor>> submit(
      DynamicBatcher b, List<HostTensor> request, long deadline) {
    return callers.submit(() -> b.infer(request, deadline));
  }

  /** Waits (bounded) until the batcher holds n waiting requests: the batcher has no queue hook. */
  private static void awaitPending(DynamicBatcher b, int n) throws InterruptedException {
    long end = in(Duration.ofSeconds(5));
    while (b.pending() != n) {
      if (System.nanoTime() - end > 0) {
        fail("expected " + n + " waiting requests, found " + b.pending());
      }
      Thread.sleep(1);
    }
  }

  private static List<HostTensor> answer(Future<List<HostTensor>> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private static InferenceException failure(Future<List<HostTensor>> f) throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return assertInstanceOf(InferenceException.class, e.getCause());
  }

  private static void assertAnswers(List<HostTensor> request, List<HostTensor> answer) {
    List<HostTensor> expected = RowWiseRunner.compute(request);
    assertEquals(expected.size(), answer.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).name(), answer.get(i).name());
      assertEquals(expected.get(i).datatype(), answer.get(i).datatype());
      assertArrayEquals(expected.get(i).shape(), answer.get(i).shape());
      assertArrayEquals((double[]) expected.get(i).data(), (double[]) answer.get(i).data());
    }
  }

  private static long[] rowsOfRuns(RowWiseRunner model) {
    synchronized (model.runs) {
      return model.runs.stream().mapToLong(RowWiseRunner.Run::rows).toArray();
    }
  }

  @Test
  void concurrentSingleRowRequestsAreMergedAndEachGetsItsOwnRows() throws Exception {
    RowWiseRunner model = new RowWiseRunner(false);
    DynamicBatcher b = batcher(model, new BatchPolicy(4, LONG, 100));
    int callers = 32;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Void>> done = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      List<HostTensor> request = RowWiseRunner.request(1, 1000 * c, MACRO_A);
      done.add(
          this.callers.submit(
              () -> {
                start.await();
                assertAnswers(request, b.infer(request, in(LONG)));
                return null;
              }));
    }
    start.countDown();
    for (Future<Void> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    // With a 10-second delay a batch starts when it holds 4 rows: 32 callers make 8 full batches.
    long[] rows = rowsOfRuns(model);
    assertArrayEquals(new long[] {4, 4, 4, 4, 4, 4, 4, 4}, rows);
    assertTrue(model.runs.stream().allMatch(r -> r.thread().equals("batcher-fake")));
  }

  @Test
  void batchesStopBeforeMaxRowsAndALargerRequestRunsAloneUnsplit() throws Exception {
    RowWiseRunner model = new RowWiseRunner(true);
    DynamicBatcher b = batcher(model, new BatchPolicy(4, Duration.ZERO, 100));
    Future<List<HostTensor>> held = submit(b, RowWiseRunner.request(1, 0, MACRO_A));
    assertTrue(model.entered.await(5, TimeUnit.SECONDS));
    int[] sizes = {2, 10, 2, 1, 1, 3};
    List<List<HostTensor>> requests = new ArrayList<>();
    List<Future<List<HostTensor>>> answers = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      requests.add(RowWiseRunner.request(sizes[i], 100 * (i + 1), MACRO_A));
      answers.add(submit(b, requests.get(i)));
      awaitPending(b, i + 1);
    }
    model.release.countDown();
    assertAnswers(RowWiseRunner.request(1, 0, MACRO_A), answer(held));
    for (int i = 0; i < sizes.length; i++) {
      assertAnswers(requests.get(i), answer(answers.get(i)));
    }
    // In order, each batch stops before the request that would make it exceed 4 rows:
    // [1 held] [2] [10 alone] [2 1 1] [3].
    assertArrayEquals(new long[] {1, 2, 10, 4, 3}, rowsOfRuns(model));
    assertEquals(200, model.runs.get(2).x()[0], "the 10-row request, alone");
  }

  @Test
  void aZeroDelayRunsWhatIsWaitingWithoutWaitingForMore() throws Exception {
    RowWiseRunner model = new RowWiseRunner(false);
    DynamicBatcher b = batcher(model, new BatchPolicy(1000, Duration.ZERO, 100));
    List<HostTensor> request = RowWiseRunner.request(3, 7, MACRO_B);
    // Were it to wait for 1000 rows, the deadline would pass.
    assertAnswers(request, b.infer(request, in(Duration.ofSeconds(2))));
    assertArrayEquals(new long[] {3}, rowsOfRuns(model));
  }

  @Test
  void requestsWithDifferentNonBatchedInputsAreNotMerged() throws Exception {
    RowWiseRunner model = new RowWiseRunner(false);
    DynamicBatcher b = batcher(model, new BatchPolicy(2, LONG, 100));
    List<HostTensor> a1 = RowWiseRunner.request(1, 10, MACRO_A);
    List<HostTensor> b1 = RowWiseRunner.request(1, 20, MACRO_B);
    List<HostTensor> a2 = RowWiseRunner.request(1, 30, MACRO_A);
    List<HostTensor> b2 = RowWiseRunner.request(1, 40, MACRO_B);
    Future<List<HostTensor>> fa1 = submit(b, a1);
    awaitPending(b, 1);
    Future<List<HostTensor>> fb1 = submit(b, b1);
    awaitPending(b, 2);
    Future<List<HostTensor>> fa2 = submit(b, a2);
    Future<List<HostTensor>> fb2 = submit(b, b2);
    assertAnswers(a1, answer(fa1));
    assertAnswers(b1, answer(fb1));
    assertAnswers(a2, answer(fa2));
    assertAnswers(b2, answer(fb2));
    assertEquals(2, model.runs.size());
    RowWiseRunner.Run first = model.runs.get(0);
    RowWiseRunner.Run second = model.runs.get(1);
    assertArrayEquals(MACRO_A, first.macro());
    assertArrayEquals(new double[] {10, 11, 12, 30, 31, 32}, first.x());
    assertArrayEquals(MACRO_B, second.macro());
    assertArrayEquals(new double[] {20, 21, 22, 40, 41, 42}, second.x());
  }

  @Test
  void aFullQueueIsRefusedAsOverloadedAtOnce() throws Exception {
    RowWiseRunner model = new RowWiseRunner(false);
    DynamicBatcher b = batcher(model, new BatchPolicy(100, LONG, 3));
    List<Future<List<HostTensor>>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(submit(b, RowWiseRunner.request(1, i, MACRO_A)));
    }
    awaitPending(b, 3);
    long start = System.nanoTime();
    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> b.infer(RowWiseRunner.request(1, 9, MACRO_A), in(LONG)));
    assertEquals(Reason.OVERLOADED, e.reason());
    assertTrue(e.reason().retryable());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "not at once");
    assertEquals(3, b.pending());
    b.close();
    for (Future<List<HostTensor>> f : waiting) {
      assertEquals(Reason.UNAVAILABLE, failure(f).reason());
    }
    assertTrue(model.runs.isEmpty());
  }

  @Test
  void aDeadlinePassingInTheQueueTimesOutAndTheRequestNeverRuns() throws Exception {
    RowWiseRunner model = new RowWiseRunner(true);
    DynamicBatcher b = batcher(model, new BatchPolicy(100, Duration.ZERO, 100));
    Future<List<HostTensor>> held = submit(b, RowWiseRunner.request(1, 0, MACRO_A));
    assertTrue(model.entered.await(5, TimeUnit.SECONDS));
    Future<List<HostTensor>> late =
        submit(b, RowWiseRunner.request(2, 500, MACRO_A), in(Duration.ofMillis(100)));
    assertEquals(Reason.TIMEOUT, failure(late).reason());
    assertEquals(0, b.pending(), "the timed-out request left the queue");
    List<HostTensor> next = RowWiseRunner.request(1, 900, MACRO_A);
    Future<List<HostTensor>> after = submit(b, next);
    model.release.countDown();
    assertAnswers(RowWiseRunner.request(1, 0, MACRO_A), answer(held));
    assertAnswers(next, answer(after));
    assertArrayEquals(new long[] {1, 1}, rowsOfRuns(model));
    for (RowWiseRunner.Run r : model.runs) {
      for (double v : r.x()) {
        assertTrue(v < 500 || v >= 900, "the timed-out request reached the model");
      }
    }
    assertEquals(
        Reason.TIMEOUT,
        assertThrows(InferenceException.class, () -> b.infer(next, System.nanoTime() - 1))
            .reason());
  }

  @Test
  void aCallerWaitsNoLongerThanItsDeadlineForARunningBatch() throws Exception {
    RowWiseRunner model = new RowWiseRunner(true);
    DynamicBatcher b = batcher(model, new BatchPolicy(100, Duration.ZERO, 100));
    long start = System.nanoTime();
    Future<List<HostTensor>> slow =
        submit(b, RowWiseRunner.request(1, 0, MACRO_A), in(Duration.ofMillis(500)));
    assertTrue(model.entered.await(5, TimeUnit.SECONDS), "the request started running");
    InferenceException e = failure(slow);
    assertEquals(Reason.TIMEOUT, e.reason());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    List<HostTensor> next = RowWiseRunner.request(2, 50, MACRO_A);
    Future<List<HostTensor>> after = submit(b, next);
    model.release.countDown();
    assertAnswers(next, answer(after));
    assertArrayEquals(new long[] {1, 2}, rowsOfRuns(model));
  }

  @Test
  void aModelFailureReachesEveryRequestOfTheBatchAndTheBatcherGoesOn() throws Exception {
    RowWiseRunner model = new RowWiseRunner(false);
    DynamicBatcher b = batcher(model, new BatchPolicy(3, LONG, 100));
    for (double bad : new double[] {RowWiseRunner.POISON, RowWiseRunner.CRASH}) {
      List<Future<List<HostTensor>>> batch = new ArrayList<>();
      batch.add(submit(b, RowWiseRunner.request(1, 10, MACRO_A)));
      batch.add(
          submit(
              b,
              List.of(
                  new HostTensor("x", DataType.FP64, new long[] {1, 3}, new double[] {1, bad, 3}),
                  RowWiseRunner.request(1, 0, MACRO_A).get(1))));
      batch.add(submit(b, RowWiseRunner.request(1, 20, MACRO_A)));
      List<InferenceException> failures = new ArrayList<>();
      for (Future<List<HostTensor>> f : batch) {
        failures.add(failure(f));
      }
      Throwable cause = failures.get(0).getCause();
      for (InferenceException e : failures) {
        assertEquals(Reason.ENGINE, e.reason());
        assertTrue(e.getCause() == cause, "one failure, shared by the batch");
      }
      if (bad == RowWiseRunner.POISON) {
        assertEquals("poisoned", failures.get(0).getMessage());
      } else {
        assertInstanceOf(IllegalStateException.class, cause.getCause());
      }
    }
    assertTrue(model.runs.isEmpty());
    List<Future<List<HostTensor>>> good = new ArrayList<>();
    List<List<HostTensor>> requests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      requests.add(RowWiseRunner.request(1, 100 * i, MACRO_B));
      good.add(submit(b, requests.get(i)));
    }
    for (int i = 0; i < 3; i++) {
      assertAnswers(requests.get(i), answer(good.get(i)));
    }
    assertArrayEquals(new long[] {3}, rowsOfRuns(model));
  }

  @Test
  void closeAnswersWaitingRequestsUnavailableAndLetsTheRunningBatchFinish() throws Exception {
    RowWiseRunner model = new RowWiseRunner(true);
    DynamicBatcher b = batcher(model, new BatchPolicy(100, Duration.ZERO, 100));
    List<HostTensor> first = RowWiseRunner.request(2, 0, MACRO_A);
    Future<List<HostTensor>> running = submit(b, first);
    assertTrue(model.entered.await(5, TimeUnit.SECONDS));
    Future<List<HostTensor>> w1 = submit(b, RowWiseRunner.request(1, 100, MACRO_A));
    awaitPending(b, 1);
    Future<List<HostTensor>> w2 = submit(b, RowWiseRunner.request(1, 200, MACRO_B));
    awaitPending(b, 2);
    CountDownLatch closed = new CountDownLatch(1);
    callers.submit(
        () -> {
          b.close();
          closed.countDown();
        });
    // The waiting requests are answered while the running batch still runs.
    assertEquals(Reason.UNAVAILABLE, failure(w1).reason());
    assertEquals(Reason.UNAVAILABLE, failure(w2).reason());
    assertFalse(running.isDone());
    assertFalse(closed.await(50, TimeUnit.MILLISECONDS), "close returned under a running batch");
    assertFalse(model.closed);
    model.release.countDown();
    assertAnswers(first, answer(running));
    assertTrue(closed.await(5, TimeUnit.SECONDS));
    assertTrue(model.closed);
    assertFalse(model.ranAfterClose);
    assertEquals(1, model.runs.size());
    InferenceException e = assertThrows(InferenceException.class, () -> b.infer(first, in(LONG)));
    assertEquals(Reason.UNAVAILABLE, e.reason());
    b.close(); // idempotent
  }

  @Test
  void theListenerHearsEveryRequestAndEveryRun() throws Exception {
    RowWiseRunner model = new RowWiseRunner(false);
    List<Long> queued = Collections.synchronizedList(new ArrayList<>());
    List<long[]> batches = Collections.synchronizedList(new ArrayList<>());
    List<String> models = Collections.synchronizedList(new ArrayList<>());
    BatchListener listener =
        new BatchListener() {
          @Override
          public void queued(String m, long queueNanos) {
            models.add(m);
            queued.add(queueNanos);
          }

          @Override
          public void batch(String m, int requests, long rows, long computeNanos) {
            models.add(m);
            batches.add(new long[] {requests, rows, computeNanos});
          }
        };
    DynamicBatcher b = batcher(model, new BatchPolicy(6, LONG, 100), listener);
    long start = System.nanoTime();
    List<Future<List<HostTensor>>> answers = new ArrayList<>();
    for (int rows = 1; rows <= 3; rows++) {
      answers.add(submit(b, RowWiseRunner.request(rows, 10 * rows, MACRO_A)));
    }
    for (Future<List<HostTensor>> f : answers) {
      answer(f);
    }
    long elapsed = System.nanoTime() - start;
    assertEquals(3, queued.size());
    for (long q : queued) {
      assertTrue(q >= 0 && q <= elapsed, "queue time " + q + " outside [0, " + elapsed + "]");
    }
    assertEquals(1, batches.size());
    long[] batch = batches.get(0);
    assertEquals(3, batch[0]);
    assertEquals(6, batch[1]);
    assertTrue(batch[2] >= model.runs.get(0).nanos(), "compute time covers the model's run");
    assertTrue(batch[2] <= elapsed);
    assertTrue(models.stream().allMatch("fake"::equals));
  }

  @Test
  void malformedRequestsAreInvalid() {
    DynamicBatcher b = batcher(new RowWiseRunner(false), new BatchPolicy(4, LONG, 10));
    List<HostTensor> ok = RowWiseRunner.request(1, 0, MACRO_A);
    InferenceException missing =
        assertThrows(InferenceException.class, () -> b.infer(ok.subList(0, 1), in(LONG)));
    assertEquals(Reason.INVALID, missing.reason());
    List<HostTensor> scalar =
        List.of(new HostTensor("x", DataType.FP64, new long[0], new double[] {1}), ok.get(1));
    assertEquals(
        Reason.INVALID,
        assertThrows(InferenceException.class, () -> b.infer(scalar, in(LONG))).reason());
    assertEquals(0, b.pending());
  }

  @Test
  void theWorkerIsADaemonNamedAfterTheModel() throws Exception {
    RowWiseRunner model = new RowWiseRunner(true);
    DynamicBatcher b = batcher(model, new BatchPolicy(4, Duration.ZERO, 10));
    Future<List<HostTensor>> f = submit(b, RowWiseRunner.request(1, 0, MACRO_A));
    assertTrue(model.entered.await(5, TimeUnit.SECONDS));
    Thread worker =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("batcher-fake") && t.isAlive())
            .findFirst()
            .orElseThrow();
    assertTrue(worker.isDaemon());
    model.release.countDown();
    answer(f);
  }

  @Test
  void policiesOutOfRangeAreRefusedNamingTheField() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new BatchPolicy(0, LONG, 1))
            .getMessage()
            .contains("maxBatchRows"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> new BatchPolicy(1, Duration.ofMillis(-1), 1))
            .getMessage()
            .contains("maxQueueDelay"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new BatchPolicy(1, LONG, 0))
            .getMessage()
            .contains("maxQueuedRequests"));
    assertEquals(0, new BatchPolicy(1, Duration.ZERO, 1).maxQueueDelay().toNanos());
  }
}
