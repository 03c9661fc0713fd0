/**
 * Validation shared by every value type: {@link io.cairn.registry.validation.Problems} collects
 * every problem of a value before one {@link io.cairn.registry.validation.ValidationException} is
 * thrown, so callers can report them all at once.
 */
package io.cairn.registry.validation;
