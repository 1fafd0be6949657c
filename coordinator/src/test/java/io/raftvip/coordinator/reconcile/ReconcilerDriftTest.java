package io.raftvip.coordinator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.NotOwnedByRaftvip;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drift handling of the reconciler over the in-memory data plane. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReconcilerDriftTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final VipSpec A = VipSpec.of("a", "198.18.0.50/24");
  private static final VipName NAME = A.name();

  private final AtomicLong clock = new AtomicLong(1_000);
  private final InMemoryDataPlane plane = new InMemoryDataPlane(clock::get);
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final List<RuntimeException> errors = Collections.synchronizedList(new ArrayList<>());
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
                  public void onEffectFailed(OwnerEffect effect, RuntimeException error) {
                    events.add("failed " + effect.getClass().getSimpleName() + " " + effect.vip());
                    errors.add(error);
                  }

                  @Override
                  public void onDrift(Drift drift) {
                    events.add("drift " + drift.getClass().getSimpleName() + " " + drift.vip());
                  }
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

  private void serve(VipSpec spec, long epoch, long leaseMs, int lifetimeSec) throws Exception {
    reconciler.submit(
        List.of(
            new OwnerEffect.ArmFence(spec, epoch, clock.get() + leaseMs),
            new OwnerEffect.AddAddress(spec, epoch, lifetimeSec),
            new OwnerEffect.Announce(spec, epoch)));
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.serves(spec.name())).isTrue();
  }

  @Test
  void anAddressDeletedBySomeoneIsReAddedWithTheLifetimeItHadLeftAndAnnounced() throws Exception {
    start();
    serve(A, 7, 5_000, 8);
    clock.addAndGet(3_000);

    plane.simulateAddressDeleted(NAME);
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();

    assertThat(plane.hasAddress(NAME)).isTrue();
    assertThat(plane.addressLifetimeSec(NAME))
        .as("the backstop is not extended by the repair: 8 s written 3 s ago")
        .isEqualTo(5);
    assertThat(plane.announced()).containsExactly(NAME, NAME);
    assertThat(events).contains("drift AddressRemoved a").noneMatch(e -> e.startsWith("failed"));
    assertThat(plane.calls())
        .as("every data-plane call on the reconciler thread, none on the reporting thread")
        .allMatch(c -> c.thread().equals(Reconciler.THREAD_NAME));
  }

  @Test
  void noRepairAfterTheLeaseLapsedOrAfterItsOwnRemoval() throws Exception {
    start();
    serve(A, 7, 1_000, 3);
    clock.addAndGet(1_500);
    plane.simulateAddressDeleted(NAME);
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.hasAddress(NAME)).as("lease lapsed: not re-added").isFalse();

    VipSpec b = VipSpec.of("b", "198.18.0.51/24");
    serve(b, 8, 5_000, 8);
    reconciler.submit(List.of(new OwnerEffect.CloseFence(b), new OwnerEffect.RemoveAddress(b)));
    plane.simulateAddressDeleted(b.name());
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.hasAddress(b.name())).as("its own removal is not drift").isFalse();
    assertThat(plane.operations(b.name()))
        .containsExactly("armFence", "addAddress", "announce", "closeFence", "removeAddress");
  }

  @Test
  void aLinkThatComesBackIsAnnouncedAgain() throws Exception {
    start();
    serve(A, 7, 5_000, 8);
    plane.simulateLinkReturned(NAME);
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.announced()).containsExactly(NAME, NAME);
    assertThat(plane.operations(NAME)).doesNotContain("removeAddress");
  }

  @Test
  void aDeletedInterfaceIsReportedAndStopsTheVipUntilARefreshFindsItAgain() throws Exception {
    start();
    serve(A, 7, 5_000, 8);

    plane.simulateInterfaceDeleted(NAME);
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(events)
        .containsSubsequence(
            "serving a@7", "drift InterfaceRemoved a", "failed RefreshAddress a", "stopped a");
    assertThat(errors).anyMatch(e -> e instanceof NoSuchInterface);
    assertThat(plane.fenceOpen(NAME)).as("fence closed").isFalse();
    assertThat(reconciler.armed(NAME, 7)).isFalse();

    // The lease goes on: the next renewal arms again; the refresh fails while the link is gone.
    reconciler.submit(
        List.of(
            new OwnerEffect.ArmFence(A, 7, clock.get() + 5_000),
            new OwnerEffect.RefreshAddress(A, 8)));
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.hasAddress(NAME)).isFalse();

    plane.simulateInterfaceRestored(NAME);
    reconciler.submit(List.of(new OwnerEffect.RefreshAddress(A, 8)));
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.serves(NAME)).as("served again once the interface is back").isTrue();
    assertThat(events).containsSubsequence("stopped a", "serving a@7");
    assertThat(plane.announced())
        .as("announced again after the re-add")
        .containsExactly(NAME, NAME);
  }

  @Test
  void aForeignAddressIsReportedAndNothingIsRemoved() throws Exception {
    start();
    serve(A, 7, 5_000, 8);
    plane.simulateForeignAddress(NAME);
    plane.simulateForeignAddress(NAME);
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(events).contains("drift ForeignAddress a", "failed RefreshAddress a");
    assertThat(errors).allMatch(e -> e instanceof NotOwnedByRaftvip);
    assertThat(plane.serves(NAME)).as("still served").isTrue();
    assertThat(plane.operations(NAME)).doesNotContain("removeAddress", "closeFence");
  }

  @Test
  void driftOfAnUnknownVipIsIgnored() throws Exception {
    start();
    plane.simulateAddressDeleted(VipName.of("nobody"));
    plane.simulateInterfaceDeleted(VipName.of("nobody"));
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(events).isEmpty();
    assertThat(plane.calls())
        .extracting(InMemoryDataPlane.Call::operation)
        .containsExactly("flush");
  }

  @Test
  void aVirtualMacVipHasItsMacWhileItsAddressIsConfigured() throws Exception {
    start();
    VipSpec v = VipSpec.of("v", "198.18.0.52/24").withVrid(5);
    serve(v, 3, 5_000, 8);
    assertThat(plane.virtualMac(v.name())).contains("00:00:5e:00:01:05");
    VipSpec v6 = VipSpec.of("v6", "2001:db8::52/128").withVrid(5);
    serve(v6, 4, 5_000, 8);
    assertThat(plane.virtualMac(v6.name())).contains("00:00:5e:00:02:05");
    reconciler.submit(List.of(new OwnerEffect.CloseFence(v), new OwnerEffect.RemoveAddress(v)));
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.virtualMac(v.name())).isEmpty();
    assertThat(plane.virtualMac(v6.name())).isPresent();
  }

  @Test
  void withoutWatchingNoDriftIsHandled() throws Exception {
    reconciler = Reconciler.builder(plane).watchDrift(false).start();
    serve(A, 7, 5_000, 8);
    plane.simulateAddressDeleted(NAME);
    assertThat(reconciler.awaitIdle(WAIT)).isTrue();
    assertThat(plane.hasAddress(NAME)).isFalse();
  }
}
