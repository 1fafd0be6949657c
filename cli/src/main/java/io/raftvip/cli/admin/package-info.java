/**
 * The admin commands of {@code raftvip}: {@code status}, {@code vip ...}, {@code node ...}, {@code
 * leader transfer} and {@code watch}, thin clients of the {@code raftvip.admin.v1.AdminService}
 * gRPC API.
 *
 * <p>Owns: the connection options every admin command shares ({@link
 * io.raftvip.cli.admin.ConnectionOptions}), the endpoint failover and deadline of one command
 * ({@link io.raftvip.cli.admin.AdminClient}), the mapping from gRPC status to exit code and message
 * ({@link io.raftvip.cli.admin.StatusMapping}), local validation of what the user typed ({@link
 * io.raftvip.cli.admin.Inputs}), and the text and JSON forms of the answers ({@link
 * io.raftvip.cli.admin.AdminText}, {@link io.raftvip.cli.admin.AdminJson}). Channels come from one
 * {@link io.raftvip.cli.admin.AdminChannelFactory}, given to {@link
 * io.raftvip.cli.admin.AdminCommands#addTo} once per command tree: the seam for tests.
 *
 * <p>Does not touch: agent state, the data plane, config files. Validates input locally before any
 * call and never prints the bearer token.
 *
 * <p>Threads: a command runs on the caller's thread and blocks on gRPC calls; gRPC's own threads
 * are the only others, and the command's channels are shut down before it returns. Every wait is
 * bounded by the {@code --timeout} deadline (only {@code watch} without {@code --timeout} runs
 * until {@code --count} events or Ctrl-C, as asked).
 */
package io.raftvip.cli.admin;
