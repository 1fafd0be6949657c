package io.raftvip.cli.admin;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftvip.cli.CommandFailedException;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.Json;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.cli.config.Units;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.WatchEventsRequest;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftvip watch}: the cluster's state changes and ownership events, one line each, as they
 * commit. Resumable: every line carries its log index; {@code --from-index} = last seen + 1.
 */
@Command(
    name = "watch",
    description = {
      "Stream state changes and ownership events in commit order, one per line (--json: one"
          + " JSON object per line). Runs until --count events arrived, --timeout passed, or"
          + " Ctrl-C.",
      "Resume after an interruption with --from-index <last index seen + 1>.",
      "Ends with 0 after --count events, or at --timeout when no --count was given; with 3 when"
          + " --timeout passes before --count events or the stream breaks (the message says where"
          + " to resume).",
    })
final class WatchCommand extends AdminCommand {

  @Option(
      names = "--from-index",
      paramLabel = "INDEX",
      defaultValue = "0",
      description =
          "First log index to deliver (default 0: only events from now on). Older than the"
              + " oldest kept event: exit 5 with the oldest available index.")
  long fromIndex;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events (exit 0).")
  Integer count;

  @Override
  void checkInput() {
    if (fromIndex < 0) {
      throw new IllegalArgumentException("--from-index " + fromIndex + " must not be negative");
    }
    if (count != null && count < 1) {
      throw new IllegalArgumentException("--count " + count + " must be at least 1");
    }
  }

  /** No deadline unless --timeout was given: watching is what the user asked for. */
  @Override
  Deadline deadline(Settings settings) {
    return settings.timeoutGiven()
        ? Deadline.after(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
        : null;
  }

  /** The stream once it answered: the iterator, and whether a first event is waiting. */
  private record Started(Iterator<Event> events, boolean hasFirst, boolean timedOut) {}

  @Override
  int execute(AdminClient client, Settings settings) {
    Request request = Request.read("watch", "the event stream");
    WatchEventsRequest req = WatchEventsRequest.newBuilder().setFromIndex(fromIndex).build();
    Started started =
        client.call(
            request,
            stub -> {
              Iterator<Event> it = stub.watchEvents(req);
              try {
                // Blocks until the first event: an unreachable endpoint fails here, so the
                // client can still fail over; nothing has been printed yet.
                return new Started(it, it.hasNext(), false);
              } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                  return new Started(it, false, true);
                }
                throw e;
              }
            });
    PrintWriter out = out();
    int seen = 0;
    long next = fromIndex;
    boolean timedOut = started.timedOut();
    boolean ended = !started.hasFirst() && !timedOut;
    Iterator<Event> it = started.events();
    boolean more = started.hasFirst();
    // Bounded by --count, --timeout (the deadline ends the stream) or the user.
    while (more && (count == null || seen < count)) {
      Event e = it.next();
      seen++;
      next = e.getIndex() + 1;
      out.println(settings.json() ? Json.write(AdminJson.event(e)) : AdminText.event(e));
      out.flush();
      if (count != null && seen >= count) {
        break;
      }
      try {
        more = it.hasNext();
        ended = !more;
      } catch (StatusRuntimeException ex) {
        Status.Code code = ex.getStatus().getCode();
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED) {
          // The node went away mid-stream (shutdown: UNAVAILABLE or RST_STREAM CANCEL, racing):
          // the events so far are good, another node can continue.
          throw new CommandFailedException(
              ExitCodes.UNAVAILABLE,
              "watch: the stream from "
                  + client.answeredBy()
                  + " broke after "
                  + seen
                  + (seen == 1 ? " event (" : " events (")
                  + code
                  + ")"
                  + resumeHint(seen, next),
              ex);
        }
        if (code != Status.Code.DEADLINE_EXCEEDED) {
          throw resumable(client.failure(ex, request), next);
        }
        timedOut = true;
        more = false;
      }
    }
    if (count != null && seen >= count) {
      return ExitCodes.OK;
    }
    if (timedOut) {
      if (count == null) {
        return ExitCodes.OK;
      }
      throw new CommandFailedException(
          ExitCodes.UNAVAILABLE,
          "watch: "
              + seen
              + " of "
              + count
              + " events within "
              + Units.formatDuration(settings.timeout())
              + resumeHint(seen, next),
          null);
    }
    if (ended) {
      throw new CommandFailedException(
          ExitCodes.UNAVAILABLE,
          "watch: the server ended the stream after "
              + seen
              + (seen == 1 ? " event" : " events")
              + " (from "
              + client.answeredBy()
              + ")"
              + resumeHint(seen, next),
          null);
    }
    return ExitCodes.OK;
  }

  private String resumeHint(int seen, long next) {
    return seen == 0 && fromIndex == 0
        ? ""
        : "; resume with --from-index " + Long.toUnsignedString(next);
  }

  private CommandFailedException resumable(CommandFailedException f, long next) {
    return new CommandFailedException(
        f.exitCode(),
        f.getMessage() + "; resume with --from-index " + Long.toUnsignedString(next),
        f.getCause());
  }
}
