package io.firmsim.serving.batching;

import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceException.Reason;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching in front of a model's runner: concurrent requests for the model are merged along
 * the first (batch) dimension into one run of the delegate, and the answer is split back by rows,
 * so that many small requests cost about as much as one large one.
 *
 * <p>Which inputs are merged: those whose {@link TensorSpec#batched()} is true in the delegate's
 * {@link ModelSignature}; all batched inputs of a request have the same number of rows. Requests
 * share a run only when they are compatible: their non-batched inputs (firmsim's {@code macro})
 * hold equal values (compared bit for bit, as {@link Arrays#equals} compares them), and their
 * batched inputs have the same datatypes and dimensions after the first. A model without batched
 * inputs runs every request alone. Outputs whose spec is batched are split back by each request's
 * rows; an output without a batch dimension (firmsim's graphs have none) is given whole to every
 * request of the run, which is right only for models whose such outputs do not depend on the
 * batched rows.
 *
 * <p>How batches form: one daemon worker thread ({@code batcher-<model>}) takes the oldest waiting
 * request and the compatible requests after it, in submission order, until the next compatible one
 * would make the batch exceed {@link BatchPolicy#maxBatchRows()} (that one waits for the next
 * batch, so no request is overtaken by a compatible one). It starts the run as soon as the batch is
 * full (it has the maximum rows, or a compatible request waiting does not fit), else when {@link
 * BatchPolicy#maxQueueDelay()} has passed since the oldest request was submitted. A single request
 * with more rows than the maximum runs alone, unsplit. The merged run is given the latest deadline
 * of its requests.
 *
 * <p>Answers: a request's answer is the delegate's answer for the merged inputs, cut at the
 * request's rows; for a row-independent model (firmsim's graphs are) that equals the answer to the
 * request alone. A request is refused with {@link Reason#OVERLOADED} when {@link
 * BatchPolicy#maxQueuedRequests()} requests are waiting, with {@link Reason#TIMEOUT} when its
 * deadline passes first (a request still waiting is then removed and never run; the caller of a
 * running one stops waiting and the run's answer for it is dropped), and with {@link
 * Reason#UNAVAILABLE} after {@link #close()}. A failed run fails every request of the batch with
 * the delegate's reason and message ({@link Reason#ENGINE} for an unexpected exception); each
 * caller gets its own {@link InferenceException} whose cause is the run's.
 *
 * <p>Thread-safe.
 */
public final class DynamicBatcher implements InferenceRunner {
  private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

  private final String model;
  private final InferenceRunner delegate;
  private final BatchPolicy policy;
  private final BatchListener listener;
  private final ModelSignature signature;
  private final boolean[] batchedInputs;
  private final boolean mergeable;
  private final long delayNanos;

  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a request is queued or withdrawn, and on close. */
  private final Condition changed = lock.newCondition();

  /** Waiting requests, oldest first; guarded by {@link #lock}. */
  private final ArrayDeque<Request> queue = new ArrayDeque<>();

  /** Whether requests are refused; guarded by {@link #lock}. */
  private boolean closed;

  private final AtomicBoolean delegateClosed = new AtomicBoolean();
  private final Thread worker;

  /**
   * Starts the batcher's worker thread.
   *
   * @param model the model's name: names the worker thread and is passed to the listener
   * @param delegate the runner that runs merged batches; this batcher owns it from now on and
   *     closes it on {@link #close()}
   * @param policy how requests are merged
   * @param listener metrics hooks ({@link BatchListener#NONE} for none)
   */
  public DynamicBatcher(
      String model, InferenceRunner delegate, BatchPolicy policy, BatchListener listener) {
    this.model = Objects.requireNonNull(model, "model");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.signature = delegate.signature();
    List<TensorSpec> inputs = signature.inputs();
    this.batchedInputs = new boolean[inputs.size()];
    boolean any = false;
    for (int i = 0; i < batchedInputs.length; i++) {
      batchedInputs[i] = inputs.get(i).batched();
      any |= batchedInputs[i];
    }
    this.mergeable = any;
    this.delayNanos = saturatedNanos(policy);
    this.worker = new Thread(this::work, "batcher-" + model);
    worker.setDaemon(true);
    worker.start();
  }

  /** The model's name, as given at construction. */
  public String model() {
    return model;
  }

  /** The policy batches form under. */
  public BatchPolicy policy() {
    return policy;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  /** The number of requests waiting, not counting those of a running batch (for a gauge). */
  public int pending() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues the request and waits for its share of a merged run.
   *
   * @throws InferenceException OVERLOADED when the queue is full, UNAVAILABLE once closed (or when
   *     the calling thread is interrupted while waiting; its interrupt flag is kept), TIMEOUT when
   *     the deadline passes first, INVALID when the inputs do not match the signature's count or
   *     the batched inputs' rows differ, or the run's failure
   */
  @Override
  public List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos)
      throws InferenceException {
    Request request = request(inputs, deadlineNanos);
    lock.lock();
    try {
      if (closed) {
        throw new InferenceException(Reason.UNAVAILABLE, "model " + model + " is shutting down");
      }
      if (queue.size() >= policy.maxQueuedRequests()) {
        throw new InferenceException(
            Reason.OVERLOADED,
            "model " + model + " has " + queue.size() + " requests waiting; retry later");
      }
      queue.addLast(request);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return await(request);
  }

  /**
   * Refuses new requests (UNAVAILABLE), answers every waiting request with UNAVAILABLE, waits for a
   * running batch to finish (its requests get their answers) and closes the delegate. Idempotent.
   */
  @Override
  public void close() {
    shutDown("model " + model + " is shutting down");
    if (Thread.currentThread() != worker) {
      boolean interrupted = false;
      while (worker.isAlive()) {
        try {
          worker.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      closeDelegate(); // a no-op: the worker closed it on its way out
    }
  }

  @Override
  public String toString() {
    return "DynamicBatcher[" + model + ", " + policy + "]";
  }

  // ---- the caller's side

  private Request request(List<HostTensor> inputs, long deadlineNanos) throws InferenceException {
    long now = System.nanoTime();
    if (inputs.size() != batchedInputs.length) {
      throw new InferenceException(
          Reason.INVALID,
          "model " + model + " takes " + batchedInputs.length + " inputs, got " + inputs.size());
    }
    long rows = -1;
    for (int i = 0; i < batchedInputs.length; i++) {
      if (!batchedInputs[i]) {
        continue;
      }
      long r = inputs.get(i).rows();
      if (r < 0 || (rows >= 0 && r != rows)) {
        throw new InferenceException(
            Reason.INVALID,
            "model "
                + model
                + ": the batched inputs must have the same number of rows, found "
                + inputs);
      }
      rows = r;
    }
    if (deadlineNanos - now <= 0) {
      throw new InferenceException(
          Reason.TIMEOUT,
          "model " + model + ": the request's deadline passed before it was queued");
    }
    Key key = mergeable ? new Key(inputs, batchedInputs) : null;
    return new Request(List.copyOf(inputs), Math.max(rows, 0), key, now, deadlineNanos);
  }

  private List<HostTensor> await(Request request) throws InferenceException {
    try {
      return request.answer.get(request.deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw reissue(e.getCause());
    } catch (TimeoutException e) {
      boolean withdrawn = withdraw(request);
      if (!withdrawn && request.answer.isDone()) {
        return answered(request);
      }
      throw new InferenceException(
          Reason.TIMEOUT,
          "model "
              + model
              + (withdrawn
                  ? ": the request waited in the queue past its deadline"
                  : ": the request's deadline passed before its answer"));
    } catch (InterruptedException e) {
      withdraw(request);
      Thread.currentThread().interrupt();
      throw new InferenceException(
          Reason.UNAVAILABLE, "model " + model + ": interrupted while waiting for the answer");
    }
  }

  /** Removes a request that is still waiting; whether it was. */
  private boolean withdraw(Request request) {
    lock.lock();
    try {
      boolean removed = queue.remove(request);
      if (removed) {
        changed.signalAll();
      }
      return removed;
    } finally {
      lock.unlock();
    }
  }

  private static List<HostTensor> answered(Request request) throws InferenceException {
    try {
      return request.answer.join();
    } catch (CompletionException e) {
      throw reissue(e.getCause());
    }
  }

  /** The caller's own exception for a failure that may be shared by the requests of a batch. */
  private static InferenceException reissue(Throwable failure) {
    if (failure instanceof InferenceException e) {
      return new InferenceException(e.reason(), e.getMessage(), e);
    }
    return new InferenceException(Reason.ENGINE, String.valueOf(failure), failure);
  }

  // ---- the worker's side

  private void work() {
    try {
      List<Request> batch;
      while ((batch = nextBatch()) != null) {
        run(batch);
      }
    } catch (InterruptedException e) {
      shutDown("model " + model + ": the batcher's worker was interrupted");
    } catch (RuntimeException | Error e) {
      // No request may wait for a worker that is gone.
      shutDown("model " + model + ": the batcher's worker failed: " + e);
      throw e;
    } finally {
      // Here, not in close(), so that a close() called on this thread (by a listener) cannot close
      // the delegate under a run.
      closeDelegate();
    }
  }

  private void closeDelegate() {
    if (delegateClosed.compareAndSet(false, true)) {
      delegate.close();
    }
  }

  /** The next batch to run, removed from the queue; null once closed. */
  private List<Request> nextBatch() throws InterruptedException {
    List<Request> expired = new ArrayList<>();
    lock.lockInterruptibly();
    try {
      while (true) {
        if (closed) {
          return null;
        }
        Request first = queue.peekFirst();
        if (first == null) {
          changed.await();
          continue;
        }
        long now = System.nanoTime();
        List<Request> batch = new ArrayList<>();
        boolean full = select(first, now, batch, expired);
        if (batch.isEmpty()) {
          continue; // all had expired
        }
        first = batch.get(0); // the oldest one that had not expired
        long waited = now - first.submitNanos;
        long wait = Math.min(delayNanos - waited, first.deadlineNanos - now);
        if (full || wait <= 0) {
          for (Request r : batch) {
            r.taken = true;
          }
          queue.removeIf(r -> r.taken);
          return batch;
        }
        changed.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
      for (Request r : expired) {
        r.answer.completeExceptionally(
            new InferenceException(
                Reason.TIMEOUT,
                "model " + model + ": the request waited in the queue past its deadline"));
      }
    }
  }

  /**
   * Fills {@code batch} with the oldest request and the compatible ones after it, in order, until
   * the next compatible one would make the batch exceed the maximum rows; moves expired requests
   * from the queue to {@code expired}. Called under the lock.
   *
   * @return whether the batch is full (it has the maximum rows, or the next compatible request does
   *     not fit): waiting longer could not add to it
   */
  private boolean select(Request first, long now, List<Request> batch, List<Request> expired) {
    long rows = 0;
    for (Iterator<Request> it = queue.iterator(); it.hasNext(); ) {
      Request r = it.next();
      if (r.deadlineNanos - now <= 0) {
        it.remove();
        expired.add(r);
        continue;
      }
      if (batch.isEmpty()) {
        batch.add(r);
        rows = r.rows;
        if (r.key == null || rows >= policy.maxBatchRows()) {
          return true;
        }
        continue;
      }
      if (!batch.get(0).key.equals(r.key)) {
        continue;
      }
      if (rows + r.rows > policy.maxBatchRows()) {
        return true;
      }
      batch.add(r);
      rows += r.rows;
      if (rows == policy.maxBatchRows()) {
        return true;
      }
    }
    return false;
  }

  private void run(List<Request> batch) {
    long start = System.nanoTime();
    long rows = 0;
    for (Request r : batch) {
      rows += r.rows;
      try {
        listener.queued(model, start - r.submitNanos);
      } catch (RuntimeException e) {
        LOG.warn("batch listener failed on model {}", model, e);
      }
    }
    try {
      List<List<HostTensor>> answers = compute(batch, rows);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).answer.complete(answers.get(i));
      }
    } catch (InferenceException e) {
      fail(batch, e);
    } catch (RuntimeException | Error e) {
      fail(batch, new InferenceException(Reason.ENGINE, "model " + model + " failed: " + e, e));
      if (e instanceof Error err) {
        throw err;
      }
    } finally {
      try {
        listener.batch(model, batch.size(), rows, System.nanoTime() - start);
      } catch (RuntimeException e) {
        LOG.warn("batch listener failed on model {}", model, e);
      }
    }
  }

  private static void fail(List<Request> batch, InferenceException e) {
    for (Request r : batch) {
      r.answer.completeExceptionally(e);
    }
  }

  /** Every request's outputs, in the batch's order. */
  private List<List<HostTensor>> compute(List<Request> batch, long rows) throws InferenceException {
    if (batch.size() == 1) {
      Request only = batch.get(0);
      return List.of(List.copyOf(delegate.infer(only.inputs, only.deadlineNanos)));
    }
    List<TensorSpec> specs = signature.inputs();
    List<HostTensor> merged = new ArrayList<>(specs.size());
    long deadline = batch.get(0).deadlineNanos;
    for (Request r : batch) {
      if (r.deadlineNanos - deadline > 0) {
        deadline = r.deadlineNanos;
      }
    }
    for (int i = 0; i < specs.size(); i++) {
      if (batchedInputs[i]) {
        List<HostTensor> parts = new ArrayList<>(batch.size());
        for (Request r : batch) {
          parts.add(r.inputs.get(i));
        }
        merged.add(Rows.concat(batch.get(0).inputs.get(i).name(), parts));
      } else {
        merged.add(batch.get(0).inputs.get(i));
      }
    }
    List<HostTensor> outputs = delegate.infer(merged, deadline);

    long[] rowCounts = new long[batch.size()];
    for (int i = 0; i < rowCounts.length; i++) {
      rowCounts[i] = batch.get(i).rows;
    }
    List<List<HostTensor>> answers = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      answers.add(new ArrayList<>(outputs.size()));
    }
    for (HostTensor out : outputs) {
      boolean batched =
          signature.output(out.name()).map(TensorSpec::batched).orElse(out.rows() == rows);
      if (!batched) {
        for (List<HostTensor> a : answers) {
          a.add(out);
        }
        continue;
      }
      if (out.rows() != rows) {
        throw new InferenceException(
            Reason.ENGINE,
            "model " + model + ": output " + out + " has not the batch's " + rows + " rows");
      }
      List<HostTensor> parts = Rows.split(out, rowCounts);
      for (int i = 0; i < parts.size(); i++) {
        answers.get(i).add(parts.get(i));
      }
    }
    List<List<HostTensor>> frozen = new ArrayList<>(answers.size());
    for (List<HostTensor> a : answers) {
      frozen.add(List.copyOf(a));
    }
    return frozen;
  }

  /** Closes the queue and answers what waits in it with UNAVAILABLE. */
  private void shutDown(String message) {
    List<Request> drained;
    lock.lock();
    try {
      closed = true;
      drained = new ArrayList<>(queue);
      queue.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Request r : drained) {
      r.answer.completeExceptionally(new InferenceException(Reason.UNAVAILABLE, message));
    }
  }

  private static long saturatedNanos(BatchPolicy policy) {
    try {
      return policy.maxQueueDelay().toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** One caller's request while it waits and runs. */
  private static final class Request {
    final List<HostTensor> inputs;
    final long rows;

    /** Null when the model cannot merge requests. */
    final Key key;

    final long submitNanos;
    final long deadlineNanos;
    final CompletableFuture<List<HostTensor>> answer = new CompletableFuture<>();

    /** Chosen for a batch; guarded by the batcher's lock. */
    boolean taken;

    Request(List<HostTensor> inputs, long rows, Key key, long submitNanos, long deadlineNanos) {
      this.inputs = inputs;
      this.rows = rows;
      this.key = key;
      this.submitNanos = submitNanos;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /**
   * What requests must share to be merged: the datatype and trailing dimensions of each batched
   * input, and the datatype, shape and values of each non-batched input.
   */
  private static final class Key {
    private final Object[] parts;
    private final int hash;

    Key(List<HostTensor> inputs, boolean[] batched) {
      parts = new Object[inputs.size() * 3];
      for (int i = 0; i < inputs.size(); i++) {
        HostTensor t = inputs.get(i);
        long[] shape = t.shape();
        parts[3 * i] = t.datatype();
        if (batched[i]) {
          parts[3 * i + 1] = Arrays.copyOfRange(shape, 1, shape.length);
          parts[3 * i + 2] = null;
        } else {
          parts[3 * i + 1] = shape;
          parts[3 * i + 2] = t.data();
        }
      }
      hash = Arrays.deepHashCode(parts);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && Arrays.deepEquals(parts, k.parts);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
