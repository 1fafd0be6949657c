package io.raftvip.cli.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the agent checks before it starts anything, each failure as one sentence that says what to
 * do: privileges, the storage directory (and that no other agent uses it), the admin token.
 */
public final class Preflight {

  /** Linux capability numbers (linux/capability.h). */
  static final int CAP_NET_ADMIN = 12;

  static final int CAP_NET_RAW = 13;

  /** Largest token file read; a token is a short secret. */
  static final int TOKEN_BYTES_MAX = 4096;

  /** Name of the lock file in the storage directory. */
  static final String LOCK_FILE = "raftvip.lock";

  private Preflight() {}

  /** A check that failed; the message is for the operator. */
  public static final class Failed extends Exception {
    public Failed(String message) {
      super(message);
    }
  }

  /**
   * The capabilities missing from {@code capEffHex} (the {@code CapEff:} line of
   * /proc/self/status): CAP_NET_ADMIN and CAP_NET_RAW are needed.
   */
  static List<String> missingCapabilities(String capEffHex) {
    long caps = Long.parseUnsignedLong(capEffHex.trim(), 16);
    List<String> missing = new ArrayList<>();
    if ((caps & (1L << CAP_NET_ADMIN)) == 0) {
      missing.add("CAP_NET_ADMIN");
    }
    if ((caps & (1L << CAP_NET_RAW)) == 0) {
      missing.add("CAP_NET_RAW");
    }
    return missing;
  }

  /** Fails unless this process has CAP_NET_ADMIN and CAP_NET_RAW. */
  public static void checkCapabilities(Path procStatus) throws Failed {
    String capEff;
    try {
      capEff =
          Files.readAllLines(procStatus, StandardCharsets.US_ASCII).stream()
              .filter(l -> l.startsWith("CapEff:"))
              .map(l -> l.substring("CapEff:".length()))
              .findFirst()
              .orElseThrow(() -> new Failed("no CapEff line in " + procStatus));
    } catch (IOException e) {
      throw new Failed("cannot read " + procStatus + " to check capabilities: " + e);
    }
    List<String> missing = missingCapabilities(capEff);
    if (!missing.isEmpty()) {
      throw new Failed(
          "missing privileges: "
              + String.join(" and ", missing)
              + " (run as root, or as a user with AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW"
              + " as in the shipped systemd unit)");
    }
  }

  /**
   * Creates the storage directory if needed, checks it is writable and locks it, so that a second
   * agent on the same directory stops with a clear message instead of corrupting the log.
   *
   * @return the lock, held until the agent exits (closing it releases it)
   */
  public static FileChannel lockStorage(Path dir) throws Failed {
    try {
      Files.createDirectories(dir);
    } catch (AccessDeniedException e) {
      throw new Failed("cannot create the storage directory " + dir + ": permission denied");
    } catch (IOException e) {
      throw new Failed("cannot create the storage directory " + dir + ": " + e.getMessage());
    }
    if (!Files.isDirectory(dir)) {
      throw new Failed("the storage directory " + dir + " is not a directory");
    }
    if (!Files.isWritable(dir)) {
      throw new Failed(
          "the storage directory " + dir + " is not writable by this user; fix its owner or mode");
    }
    Path lockFile = dir.resolve(LOCK_FILE);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
    } catch (IOException e) {
      throw new Failed("cannot open " + lockFile + ": " + e.getMessage());
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new Failed("cannot lock " + lockFile + ": " + e.getMessage());
    }
    if (lock == null) {
      closeQuietly(ch);
      throw new Failed(
          "another raftvip agent is using the storage directory "
              + dir
              + " (it holds "
              + lockFile
              + "); stop it first or give this agent its own node.storage-dir");
    }
    return ch;
  }

  /** The admin token from {@code file}: trimmed, non-empty, at most {@value #TOKEN_BYTES_MAX}. */
  public static Optional<String> readToken(Optional<Path> file) throws Failed {
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path f = file.get();
    byte[] bytes;
    try {
      if (Files.size(f) > TOKEN_BYTES_MAX) {
        throw new Failed("the token file " + f + " is larger than " + TOKEN_BYTES_MAX + " bytes");
      }
      bytes = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      throw new Failed("the token file " + f + " (admin.token-file) does not exist");
    } catch (AccessDeniedException e) {
      throw new Failed("the token file " + f + " (admin.token-file) is not readable by this user");
    } catch (IOException e) {
      throw new Failed("cannot read the token file " + f + ": " + e.getMessage());
    }
    String token = new String(bytes, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new Failed("the token file " + f + " (admin.token-file) is empty");
    }
    return Optional.of(token);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing was locked.
    }
  }
}
