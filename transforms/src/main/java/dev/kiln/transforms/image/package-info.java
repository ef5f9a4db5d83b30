/**
 * Pure image code (no Beam): decode, colour, orientation, resize, encode.
 *
 * <p>API: {@link dev.kiln.transforms.image.PrepareSettings} and {@link dev.kiln.transforms.image.ResizeMode}. Every other type here is internal to Kiln and may change without notice.
 */
package dev.kiln.transforms.image;
