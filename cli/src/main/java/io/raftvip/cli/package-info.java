/**
 * The {@code raftvip} executable: the picocli command tree ({@link io.raftvip.cli.Main}), exit
 * codes ({@link io.raftvip.cli.ExitCodes}) and output helpers.
 *
 * <p>Commands are thin shells: they parse arguments, call a library ({@code cli.config} for config
 * files; the coordinator's embedding API for the agent and admin commands), and format the result
 * as text or {@code --json}. They own no threads; {@code config} and {@code completion} do no
 * network IO. The exception is {@code demo} ({@code cli.demo}), which builds a namespace LAN and
 * runs its own bounded threads and child processes there. Failures become an exit code and one line
 * on stderr, never a stack trace unless {@code --verbose}.
 */
package io.raftvip.cli;
