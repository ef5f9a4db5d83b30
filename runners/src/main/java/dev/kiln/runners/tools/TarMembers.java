package dev.kiln.runners.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * An in-memory offset index of a tar file's regular members (name, data offset, size), read from
 * the headers alone (PAX and GNU long names resolved by commons-compress). With it a member is one
 * positional read, which is how a random-access WebDataset reader would have to work.
 */
final class TarMembers {
  /** One regular member: its data lies at {@code [offset, offset + size)}. */
  record Member(String name, long offset, long size) {}

  private TarMembers() {}

  /**
   * Lists the regular members in file order.
   *
   * @throws IOException if a header is damaged (bad checksum, bad PAX record) or the file ends
   *     inside a header
   */
  static List<Member> list(Path tar) throws IOException {
    List<Member> out = new ArrayList<>();
    try (TarFile file = new TarFile(tar)) {
      for (TarArchiveEntry e : file.getEntries()) {
        if (e.isFile()) {
          out.add(new Member(e.getName(), e.getDataOffset(), e.getSize()));
        }
      }
    }
    return out;
  }

  /** Reads one member's bytes with one positional read (plus retries on short reads). */
  static byte[] read(Path tar, Member m) throws IOException {
    try (FileChannel ch = FileChannel.open(tar, StandardOpenOption.READ)) {
      if (m.offset() + m.size() > ch.size()) {
        throw new IOException(
            tar.getFileName()
                + ": member "
                + m.name()
                + " runs past the end"
                + " of the file (truncated)");
      }
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(m.size()));
      while (b.hasRemaining()) {
        if (ch.read(b, m.offset() + b.position()) < 0) {
          throw new IOException(tar.getFileName() + ": unexpected end of file in " + m.name());
        }
      }
      return b.array();
    }
  }

  /**
   * The sample key of a member: its name without the last extension ({@code a/b.v2.jpg} → {@code
   * a/b.v2}).
   */
  static String key(String memberName) {
    int slash = memberName.lastIndexOf('/');
    int dot = memberName.lastIndexOf('.');
    return dot > slash ? memberName.substring(0, dot) : memberName;
  }
}
