/**
 * Consul's filter expression language (the {@code ?filter=} query parameter, go-bexpr syntax):
 * {@link io.cairn.registry.filter.Filter} parses an expression once, optionally checked against a
 * {@link io.cairn.registry.filter.SelectorSchema}, and matches rows exposed as {@link
 * io.cairn.registry.filter.Selectable}.
 */
package io.cairn.registry.filter;
