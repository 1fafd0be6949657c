/**
 * Transport security: {@link io.raftvip.coordinator.tls.TlsSettings} (where a node's PEM
 * certificate, key and CA live, how often they are re-read) and {@link
 * io.raftvip.coordinator.tls.TlsCredentials} (the reloading key and trust managers and the
 * credentials each transport takes: lease server and channels, Ratis server and client, admin
 * server). docs/security.md "Transport security" describes what is authenticated.
 *
 * <p>Owns one daemon thread per node, {@code raftvip-tls-reload-<node>}, that re-reads the files;
 * handshakes run on the transports' own threads and only read the managers' current material. Must
 * not log key material or tokens: file paths only.
 */
package io.raftvip.coordinator.tls;
