/**
 * Pure image code (no Beam). {@link dev.kiln.transforms.image.ImagePreparer} composes one class per
 * stage ({@link dev.kiln.formats.Stage}):
 *
 * <table>
 *   <caption>Stages and their classes</caption>
 *   <tr><th>stage</th><th>class</th></tr>
 *   <tr><td>decode</td><td>{@code ImageDecoder} (format from {@code FormatSniffer}; JPEG through
 *       {@code TurboJpeg} or ImageIO, the rest through ImageIO and TwelveMonkeys)</td></tr>
 *   <tr><td>colour</td><td>{@code ColourConverter} (ICC profiles, CMYK, alpha)</td></tr>
 *   <tr><td>orient</td><td>{@code Orientation}, the EXIF tag read by {@code ExifOrientation}</td></tr>
 *   <tr><td>resize</td><td>{@code Resizer}: {@code Geometry} plans, {@code Lanczos} resamples 8-bit
 *       RGB on a {@code Resampler} ({@code NativeResampler} in C, {@code JavaResampler} on the Vector
 *       API or scalar {@code RowKernel}), {@code WideLanczos} 16-bit linear light and RGBA</td></tr>
 *   <tr><td>frame</td><td>{@code dev.kiln.transforms.framing.Framer} chooses {@link
 *       dev.kiln.transforms.image.Frame}s around objects</td></tr>
 *   <tr><td>encode</td><td>{@code SampleEncoder}, one per {@link dev.kiln.transforms.image.Encoding}:
 *       {@code JpegEncoder}, {@code PngEncoder}, {@code RawEncoder}</td></tr>
 * </table>
 *
 * <p>API: {@link dev.kiln.transforms.image.PrepareSettings} and {@link
 * dev.kiln.transforms.image.ResizeMode}. Every other type here is internal to Kiln and may change
 * without notice.
 */
package dev.kiln.transforms.image;
