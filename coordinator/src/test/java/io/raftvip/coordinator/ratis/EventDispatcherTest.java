package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EventDispatcherTest {

  @Test
  void deliversInOrderOnItsOwnNamedThreadAndSurvivesListenerFailures() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    StateListener listener =
        new StateListener() {
          @Override
          public void onLeaderReady(long term) {
            seen.add(Thread.currentThread().getName() + ":" + term);
            if (term == 2) {
              throw new IllegalStateException("listener bug");
            }
          }
        };
    EventDispatcher d = new EventDispatcher("raftvip-sm-events-t1", listener, 100);
    for (long t = 1; t <= 5; t++) {
      long term = t;
      d.post("ready", l -> l.onLeaderReady(term));
    }
    d.close(2000);
    assertThat(seen)
        .containsExactly(
            "raftvip-sm-events-t1:1",
            "raftvip-sm-events-t1:2",
            "raftvip-sm-events-t1:3",
            "raftvip-sm-events-t1:4",
            "raftvip-sm-events-t1:5");
  }

  @Test
  void aFullQueueDropsWithoutBlockingAndTellsTheListener() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong dropped = new AtomicLong();
    List<Long> delivered = new CopyOnWriteArrayList<>();
    StateListener listener =
        new StateListener() {
          @Override
          public void onLeaderReady(long term) {
            if (term == 0) {
              try {
                release.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            delivered.add(term);
          }

          @Override
          public void onEventsDropped(long count) {
            dropped.addAndGet(count);
          }
        };
    EventDispatcher d = new EventDispatcher("raftvip-sm-events-t2", listener, 3);
    d.post("ready", l -> l.onLeaderReady(0));
    Thread.sleep(200); // the listener is now stuck in term 0
    long start = System.nanoTime();
    for (long t = 1; t <= 10; t++) {
      long term = t;
      d.post("ready", l -> l.onLeaderReady(term));
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
    release.countDown();
    d.close(2000);
    assertThat(delivered).containsExactly(0L, 1L, 2L, 3L);
    assertThat(dropped.get()).isEqualTo(7);
  }
}
