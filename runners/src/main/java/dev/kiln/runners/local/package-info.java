/**
 * Kiln's {@code local} runner.
 *
 * <p>Internal to Kiln: not part of its API (see docs/ARCHITECTURE.md), and may change without
 * notice.
 */
@Internal
package dev.kiln.runners.local;

import org.apache.beam.sdk.annotations.Internal;
