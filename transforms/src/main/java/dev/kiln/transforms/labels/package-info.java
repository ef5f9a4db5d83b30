/**
 * Labels, captions and splits: class folders, metadata tables and split rules.
 *
 * <p>API: {@link dev.kiln.transforms.labels.Labeller}. Every other type here is internal to Kiln
 * and may change without notice.
 */
package dev.kiln.transforms.labels;
