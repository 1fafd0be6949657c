/**
 * Thin JNA bindings to libc. Owns no state; every descriptor is owned by the netio object that
 * opened it. No other netio package calls {@code Native} for libc.
 */
package io.raftvip.netio.sys;
