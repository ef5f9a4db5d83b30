package dev.kiln.pipelines;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Parquet files held in memory, for parquet-java's file-level reader and writer: {@link
 * CatalogWriter} encodes row groups into small files in memory and joins their row groups (and
 * those of the previous version's catalog) into one file. parquet-java 1.13 has no such file
 * outside Hadoop's file systems, whose local one writes a checksum file beside each file.
 */
final class ParquetBytes {
  private ParquetBytes() {}

  /** {@code bytes} as a Parquet input file. */
  static InputFile reading(byte[] bytes) {
    return new InputFile() {
      @Override
      public long getLength() {
        return bytes.length;
      }

      @Override
      public SeekableInputStream newStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return new DelegatingSeekableInputStream(in) {
          @Override
          public long getPos() {
            return bytes.length - in.available();
          }

          @Override
          public void seek(long position) throws IOException {
            if (position < 0 || position > bytes.length) {
              throw new IOException("seek to " + position + " in " + bytes.length + " bytes");
            }
            in.reset(); // the mark of a ByteArrayInputStream is its start until one is set
            in.skip(position);
          }
        };
      }
    };
  }

  /** A Parquet output file whose bytes stay in memory. */
  static final class Output implements OutputFile {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      bytes.reset();
      return new DelegatingPositionOutputStream(bytes) {
        @Override
        public long getPos() {
          return bytes.size();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    /** The file's bytes so far. */
    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }
}
