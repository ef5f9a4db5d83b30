package dev.kiln.transforms.image;

import java.awt.color.ColorSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Packed RGB to baseline JFIF JPEG: standard Huffman tables, 4:2:0 chroma, no thumbnail, no
 * EXIF/ICC (output is plain sRGB). Same pixels and quality always give the same bytes.
 */
final class JpegEncoder {
    private JpegEncoder() {
    }

    static byte[] encode(RgbImage img, int quality) throws IOException {
        ImageWriter writer = KilnImageIO.writer("jpeg");
        if (writer == null) {
            throw new IOException("no JPEG writer installed");
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, img.width() * img.height() / 4));
            // Wrap, don't copy: the writer reads the R,G,B-ordered raster directly.
            var image = ColourConverter.wrap(img.rgb(), img.width(), img.height(), ColorSpace.getInstance(ColorSpace.CS_sRGB));
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
            // The default metadata of an opaque sRGB image is a JFIF header with 2x2 luma / 1x1 chroma
            // sampling (4:2:0) and no thumbnail, which is exactly what we want.
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, metadata), param);
            }
            return bytes.toByteArray();
        } finally {
            writer.dispose();
        }
    }
}
