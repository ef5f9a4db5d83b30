/**
 * Beam glue for the image code: coders, counters, the per-input preparer.
 *
 * <p>API: {@link dev.kiln.transforms.beam.SampleCoder} and {@link
 * dev.kiln.transforms.beam.RejectionCoder}. Every other type here is internal to Kiln and may
 * change without notice.
 */
package dev.kiln.transforms.beam;
