/**
 * Talking to Flink clusters.
 *
 * <p>Internal to Kiln: not part of its API (see docs/ARCHITECTURE.md), and may change without
 * notice.
 */
@Internal
package dev.kiln.runners.flink;

import org.apache.beam.sdk.annotations.Internal;
