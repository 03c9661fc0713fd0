package io.cairn.health;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a limit: completes with at most {@code limit} bytes, when the body
 * ends or as soon as the limit is reached (then the rest is not read). {@link #cancel} gives up on
 * the body and lets the client close the connection, so a probe past its deadline holds nothing.
 */
final class LimitedBody implements BodySubscriber<byte[]> {
  private final int limit;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final byte[] bytes;
  private int length;
  private Flow.Subscription subscription;
  private boolean cancelled;

  LimitedBody(int limit) {
    this.limit = limit;
    this.bytes = new byte[limit];
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelled) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    Flow.Subscription s;
    boolean full;
    synchronized (this) {
      for (ByteBuffer b : buffers) {
        int n = Math.min(b.remaining(), limit - length);
        b.get(bytes, length, n);
        length += n;
      }
      full = length >= limit;
      s = subscription;
    }
    if (full) {
      s.cancel();
      complete();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    complete();
  }

  private synchronized void complete() {
    result.complete(java.util.Arrays.copyOf(bytes, length));
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  /** Stops reading: the body's connection is closed rather than kept for another request. */
  void cancel() {
    Flow.Subscription s;
    synchronized (this) {
      cancelled = true;
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
    result.cancel(false);
  }
}
