package dev.kiln.transforms.beam;

import dev.kiln.formats.InputChanges;
import dev.kiln.formats.InputRecord;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The last {@code inputs.jsonl} read by {@link PreviousVersion#inputsOf} before its version was
 * opened, kept for that opening: an incremental launcher compares its listing with a version's
 * inputs, then opens the version to carry samples over, and at 198,000 inputs each parse of the 41
 * MB file costs a third of a second and as much garbage. One file is kept at a time, and only while
 * the file is the one read (same file key, size and modification time).
 */
final class InputsRead {
  /** Softly held: a launcher whose workers open the version elsewhere never takes it. */
  private record Kept(Path file, Object identity, SoftReference<Map<String, InputRecord>> inputs) {}

  private static Kept last;

  private InputsRead() {}

  /** The inputs of the version in {@code dir}, kept for {@link #take}. */
  static synchronized Map<String, InputRecord> keep(Path dir) throws IOException {
    Path file = dir.resolve(InputRecord.FILE_NAME);
    Object identity = identity(file);
    Map<String, InputRecord> kept = kept(last, file, identity);
    if (kept != null) {
      return kept;
    }
    Map<String, InputRecord> inputs = InputRecord.readAll(dir);
    last = identity == null ? null : new Kept(file, identity, new SoftReference<>(inputs));
    return inputs;
  }

  /**
   * The inputs of the version in {@code dir}: those {@link #keep} kept, which it lets go, or read.
   */
  static synchronized Map<String, InputRecord> take(Path dir) throws IOException {
    Path file = dir.resolve(InputRecord.FILE_NAME);
    Map<String, InputRecord> kept = kept(last, file, identity(file));
    last = null;
    return kept != null ? kept : InputRecord.readAll(dir);
  }

  private static Map<String, InputRecord> kept(Kept kept, Path file, Object identity) {
    return kept != null && kept.file.equals(file) && Objects.equals(kept.identity, identity)
        ? kept.inputs.get()
        : null;
  }

  /**
   * What tells the inputs of the version in {@code file}'s directory apart from others at the same
   * path: the whole file's and every {@link InputChanges} file's identity; null when it has no
   * whole file.
   */
  private static Object identity(Path file) throws IOException {
    List<Object> identity = new ArrayList<>();
    try {
      identity.add(identityOf(file));
      for (Path changes : InputChanges.FILES.in(file.getParent())) {
        identity.add(identityOf(changes));
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return identity;
  }

  private static Object identityOf(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        file.getFileName().toString(),
        String.valueOf(a.fileKey()),
        a.size(),
        a.lastModifiedTime().toMillis());
  }
}
