/**
 * The agent's YAML configuration: the immutable model ({@link io.raftvip.cli.config.AgentConfig}
 * and its section records, each valid by construction), the parser with file/line/column errors
 * ({@link io.raftvip.cli.config.ConfigParser}), and the host check ({@link
 * io.raftvip.cli.config.HostCheck}) that compares a config with the machine it runs on.
 *
 * <p>Pure except for two IO seams: {@code ConfigParser.parse(Path)} reads the one file, and {@link
 * io.raftvip.cli.config.Host} (real: {@link io.raftvip.cli.config.LocalHost}; fixed: {@link
 * io.raftvip.cli.config.FakeHost}) answers what interfaces, addresses and files exist. No DNS
 * lookups: addresses are parsed as literals and host names only for syntax. Does not touch the
 * network configuration, and does not depend on the coordinator; the agent converts these records
 * into the coordinator's types.
 *
 * <p>Threads: every type here is immutable or confined to one call, so any thread may use them.
 */
package io.raftvip.cli.config;
