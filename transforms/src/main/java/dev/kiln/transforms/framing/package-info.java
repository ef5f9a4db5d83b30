/**
 * Object framing: crops around annotated objects, boxes carried into output pixels.
 *
 * <p>API: {@link dev.kiln.transforms.framing.Framing}, {@link
 * dev.kiln.transforms.framing.FramingMode}, {@link dev.kiln.transforms.framing.FrameObject} and
 * {@link dev.kiln.transforms.framing.AnnotationSource}. Every other type here is internal to Kiln
 * and may change without notice.
 */
package dev.kiln.transforms.framing;
