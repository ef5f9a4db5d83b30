/**
 * The kiln shard format: writer, index, verifier and the reader.
 *
 * <p>API: {@link dev.kiln.formats.kiln.KilnDataset} with {@link dev.kiln.formats.kiln.ReadOptions},
 * and the exceptions it raises ({@link dev.kiln.formats.kiln.KilnFormatException} and its
 * subclasses). Every other type here is internal to Kiln and may change without notice.
 */
package dev.kiln.formats.kiln;
