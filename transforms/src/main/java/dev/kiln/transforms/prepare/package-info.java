/**
 * Beam-free running of the image preparer on one worker: per-input limits, the time-bounded
 * preparer, and the in-JVM progress count. Used by the Beam transform and by Kiln's local runner
 * alike, and testable without a pipeline.
 *
 * <p>API: {@link dev.kiln.transforms.prepare.InputLimits}. Every other type here is internal to
 * Kiln and may change without notice.
 */
package dev.kiln.transforms.prepare;
