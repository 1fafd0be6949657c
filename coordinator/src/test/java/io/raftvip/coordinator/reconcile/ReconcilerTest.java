package io.raftvip.coordinator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.core.lease.OwnerLease;
import io.raftvip.coordinator.core.lease.TimingSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReconcilerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final VipSpec A = VipSpec.of("a", "198.18.0.50/24");
  private static final VipName NAME = A.name();

  private final AtomicLong clock = new AtomicLong(1_000);
  private final InMemoryDataPlane plane = new InMemoryDataPlane(clock::get);
  private final List<String> releases = Collections.synchronizedList(new ArrayList<>());
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private Reconciler reconciler;

  private Reconciler start() {
    reconciler =
        Reconciler.builder(plane)
            .listener(
                new Reconciler.Listener() {
                  @Override
                  public void onServing(VipName vip, long epoch) {
                    events.add("serving " + vip + "@" + epoch);
                  }

                  @Override
                  public void onStopped(VipName vip) {
                    events.add("stopped " + vip);
                  }

                  @Override
                  public void onReleaseSubmitted(VipName vip, long epoch) {
                    events.add("released " + vip + "@" + epoch);
                  }
                })
            .releaseHandler(
                (vip, epoch) -> {
                  // At the moment of the commit the VIP must be fully torn down.
                  releases.add(
                      vip
                          + "@"
                          + epoch
                          + " open="
                          + plane.fenceOpen(vip)
                          + " addr="
                          + plane.hasAddress(vip));
                })
            .start();
    return reconciler;
  }

  @AfterEach
  void stop() {
    if (reconciler != null) {
      reconciler.close();
    }
  }

  private void run(OwnerEffect... effects) throws InterruptedException {
    assertThat(reconciler.submit(List.of(effects))).isTrue();
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
  }

  @Test
  void armsThenAddsThenAnnouncesOnTheReconcilerThread() throws Exception {
    start();
    run(
        new OwnerEffect.ArmFence(A, 7, 1_200),
        new OwnerEffect.AddAddress(A, 7, 2),
        new OwnerEffect.Announce(A, 7));

    assertThat(plane.operations(NAME)).containsExactly("armFence", "addAddress", "announce");
    assertThat(plane.calls())
        .extracting(InMemoryDataPlane.Call::thread)
        .containsOnly(Reconciler.THREAD_NAME);
    assertThat(plane.calls().get(0).operation()).as("flush first").isEqualTo("flush");
    assertThat(plane.serves(NAME)).isTrue();
    assertThat(plane.addressLifetimeSec(NAME)).isEqualTo(2);
    assertThat(plane.announced()).containsExactly(NAME);
    assertThat(plane.openIntervals(NAME))
        .containsExactly(new InMemoryDataPlane.OpenInterval(1_000, 1_200, 7));
    assertThat(reconciler.armed(NAME, 7)).isTrue();

    clock.set(1_200);
    assertThat(plane.serves(NAME)).as("the fence lapses at its deadline by itself").isFalse();
    assertThat(reconciler.armed(NAME, 7)).isFalse();
  }

  @Test
  void aDeadlineThatPassedWhileQueuedClosesInsteadAndNothingIsAdded() throws Exception {
    start();
    clock.set(1_500);
    run(
        new OwnerEffect.ArmFence(A, 7, 1_400),
        new OwnerEffect.AddAddress(A, 7, 2),
        new OwnerEffect.Announce(A, 7));

    assertThat(plane.operations(NAME)).containsExactly("closeFence");
    assertThat(plane.hasAddress(NAME)).isFalse();
    assertThat(plane.announced()).isEmpty();
  }

  @Test
  void aFailedArmAddsNoAddressAndLeavesTheGateClosed() throws Exception {
    start();
    plane.failing("armFence", true);
    run(new OwnerEffect.ArmFence(A, 7, 1_200), new OwnerEffect.AddAddress(A, 7, 2));
    assertThat(plane.hasAddress(NAME)).isFalse();
    assertThat(plane.operations(NAME)).containsExactly("closeFence");

    plane.failing("armFence", false);
    run(new OwnerEffect.ArmFence(A, 7, 1_300), new OwnerEffect.RefreshAddress(A, 2));
    assertThat(plane.serves(NAME)).as("the next renewal and refresh repair it").isTrue();
  }

  @Test
  void releaseIsCommittedOnlyAfterTheFenceIsClosedAndTheAddressRemoved() throws Exception {
    start();
    run(new OwnerEffect.ArmFence(A, 7, 1_200), new OwnerEffect.AddAddress(A, 7, 2));
    run(
        new OwnerEffect.CloseFence(A),
        new OwnerEffect.RemoveAddress(A),
        new OwnerEffect.CommitRelease(NAME, 7));

    assertThat(releases).containsExactly("a@7 open=false addr=false");
    assertThat(plane.openIntervals(NAME))
        .containsExactly(new InMemoryDataPlane.OpenInterval(1_000, 1_000, 7));
  }

  @Test
  void aFailedTeardownWithholdsTheReleaseUntilARetrySucceeds() throws Exception {
    start();
    run(new OwnerEffect.ArmFence(A, 7, 1_200), new OwnerEffect.AddAddress(A, 7, 2));
    plane.failing("removeAddress", true);
    run(
        new OwnerEffect.CloseFence(A),
        new OwnerEffect.RemoveAddress(A),
        new OwnerEffect.CommitRelease(NAME, 7));
    assertThat(releases).isEmpty();

    plane.failing("removeAddress", false);
    // OwnerLease repeats only CommitRelease; the reconciler redoes the teardown itself.
    run(new OwnerEffect.CommitRelease(NAME, 7));
    assertThat(releases).containsExactly("a@7 open=false addr=false");
    run(new OwnerEffect.CommitRelease(NAME, 7));
    assertThat(releases).hasSize(2);
    assertThat(events)
        .as("the listener hears each release once, however often it is re-sent")
        .containsExactly("serving a@7", "stopped a", "released a@7");
  }

  @Test
  void aFullQueueDropsTheBatchAndCountsIt() throws Exception {
    CountDownLatch inFlush = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    DataPlane blocking =
        new DataPlane() {
          @Override
          public long nowMs() {
            return clock.get();
          }

          @Override
          public void flush() {
            inFlush.countDown();
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public void armFence(VipSpec spec, long epoch, long deadlineMs) {
            plane.armFence(spec, epoch, deadlineMs);
          }

          @Override
          public void closeFence(VipSpec spec) {}

          @Override
          public void addAddress(VipSpec spec, int validLifetimeSec) {}

          @Override
          public void removeAddress(VipSpec spec) {}

          @Override
          public void announce(VipSpec spec, BooleanSupplier stillOwned) {}

          @Override
          public void close() {}
        };
    reconciler = Reconciler.builder(blocking).queueCapacity(1).start();
    assertThat(inFlush.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(reconciler.submit(List.of(new OwnerEffect.ArmFence(A, 7, 1_200)))).isTrue();
    assertThat(reconciler.submit(List.of(new OwnerEffect.ArmFence(A, 7, 1_300)))).isFalse();
    assertThat(reconciler.droppedBatches()).isEqualTo(1);
    release.countDown();
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.openIntervals(NAME))
        .containsExactly(new InMemoryDataPlane.OpenInterval(1_000, 1_200, 7));
  }

  @Test
  void anEpochGoingBackwardsIsABug() throws Exception {
    start();
    run(new OwnerEffect.ArmFence(A, 7, 1_200));
    assertThat(reconciler.submit(List.of(new OwnerEffect.ArmFence(A, 6, 1_300)))).isTrue();
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(reconciler.failure()).get().asString().contains("epoch 7", "under 6");
    assertThat(reconciler.submit(List.of(new OwnerEffect.ArmFence(A, 8, 1_300))))
        .as("a failed reconciler takes no more work")
        .isFalse();
    assertThat(plane.openIntervals(NAME))
        .as("the older epoch was never armed")
        .containsExactly(new InMemoryDataPlane.OpenInterval(1_000, 1_200, 7));
  }

  @Test
  void carriesOutAnOwnerLeaseFromGrantToStop() throws Exception {
    start();
    TimingSettings t = TimingSettings.defaults();
    NodeId self = NodeId.of("n1");
    OwnerLease lease = OwnerLease.start(self, t);
    OwnerLease.Renewal r = lease.renewalSent(clock.get());
    clock.addAndGet(2);
    OwnerLease.Step step =
        r.next()
            .grantReceived(
                GrantReply.Grant.of(
                    r.request().sentAtMs(), 5, Map.of(NAME, new OwnedVip(A, 5, false))),
                clock.get());
    run(step.effects().toArray(OwnerEffect[]::new));
    assertThat(plane.serves(NAME)).isTrue();
    assertThat(plane.openIntervals(NAME))
        .containsExactly(new InMemoryDataPlane.OpenInterval(1_002, 1_000 + t.leaseDurationMs(), 5));

    OwnerLease.Step stop = step.next().stop(clock.get());
    run(stop.effects().toArray(OwnerEffect[]::new));
    assertThat(plane.serves(NAME)).isFalse();
    assertThat(plane.hasAddress(NAME)).isFalse();
  }
}
