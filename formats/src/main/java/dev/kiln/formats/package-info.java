/**
 * Kiln's data types and the files of a dataset.
 *
 * <p>API: {@link dev.kiln.formats.Sample}, {@link dev.kiln.formats.Box}, {@link
 * dev.kiln.formats.SourceInfo}, {@link dev.kiln.formats.LabelFields} and {@link
 * dev.kiln.formats.Rejection}. Every other type here is internal to Kiln and may change without
 * notice.
 */
package dev.kiln.formats;
