/**
 * Seeded, budgeted fuzzing for tests in every module: a structure-aware mutator over valid inputs
 * and a loop that names the seed, iteration and input of any failure so it can be replayed.
 */
package io.cairn.registry.fuzz;
