/**
 * The pieces of the prepare job behind Kiln's public transforms: listing, sharding, staging and
 * finishing a dataset.
 *
 * <p>Internal to Kiln: not part of its API (see docs/ARCHITECTURE.md), and may change without
 * notice.
 */
@Internal
package dev.kiln.pipelines;

import org.apache.beam.sdk.annotations.Internal;
