/**
 * WebDataset tar shard writer.
 *
 * <p>Internal to Kiln: not part of its API (see docs/ARCHITECTURE.md), and may change without
 * notice.
 */
package dev.kiln.formats.webdataset;
