/**
 * The verify, inspect and bench-read commands.
 *
 * <p>Internal to Kiln: not part of its API (see docs/ARCHITECTURE.md), and may change without
 * notice.
 */
@Internal
package dev.kiln.runners.tools;

import org.apache.beam.sdk.annotations.Internal;
