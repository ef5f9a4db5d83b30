/**
 * The run report: {@code report.html}, written with every dataset and by {@code kiln report}, and
 * {@code run.json}, how the run went.
 *
 * <p>Internal to Kiln: not part of its API (see docs/ARCHITECTURE.md), and may change without
 * notice.
 */
@Internal
package dev.kiln.runners.report;

import org.apache.beam.sdk.annotations.Internal;
