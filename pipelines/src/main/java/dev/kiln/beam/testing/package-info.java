/** Helpers for testing pipelines built from Kiln's transforms on the DirectRunner. */
package dev.kiln.beam.testing;
