package dev.kiln.pipelines;

import dev.kiln.formats.Rejection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.LocalResources;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Every input of a run, listed once by the launcher the same way the job lists them: local inputs
 * with {@link LocalInputWalker} (symlink loops, dangling links and unreadable entries are
 * rejections), others with Beam's {@link FileSystems#match} or, for an object store, its own
 * listing ({@link #ofMatched}). The launcher counts it for progress and for the "no inputs" error;
 * the local runner then works from it instead of listing again.
 *
 * @param files the accepted input files
 * @param rejects inputs rejected while listing
 * @param ignoredFiles files that are not inputs (hidden, other extensions), with the reason
 */
public record InputListing(
    List<MatchResult.Metadata> files, List<Rejection> rejects, List<IgnoredFile> ignoredFiles) {
  public InputListing {
    files = List.copyOf(files);
    rejects = List.copyOf(rejects);
    ignoredFiles = List.copyOf(ignoredFiles);
  }

  /** Lists {@code inputs}. */
  public static InputListing of(InputFiles inputs) throws IOException {
    List<MatchResult.Metadata> files = new ArrayList<>();
    List<Rejection> rejects = new ArrayList<>();
    List<IgnoredFile> ignored = new ArrayList<>();
    if (LocalInputWalker.isLocal(inputs.glob())) {
      LocalInputWalker.walk(
          inputs,
          found -> {
            if (inputs.inSplit(found.path().toString())) {
              files.add(metadataOf(found));
            }
          },
          rejection -> {
            if (inputs.inSplit(rejection.path())) {
              rejects.add(rejection);
            }
          },
          ignored::add);
      return new InputListing(files, rejects, ignored);
    }
    return ofMatched(
        inputs, FileSystems.match(inputs.glob(), EmptyMatchTreatment.ALLOW).metadata());
  }

  /**
   * The listing of {@code inputs} from the files a file system matched for their glob (Beam's
   * {@link FileSystems#match}, or an object store's own listing): each is an input or ignored.
   */
  public static InputListing ofMatched(InputFiles inputs, Iterable<MatchResult.Metadata> matched) {
    List<MatchResult.Metadata> files = new ArrayList<>();
    List<IgnoredFile> ignored = new ArrayList<>();
    for (MatchResult.Metadata m : matched) {
      if (m.resourceId().isDirectory()) {
        continue; // not a file: neither an input nor ignored
      }
      String path = m.resourceId().toString();
      String reason = inputs.ignoreReason(path);
      if (reason != null) {
        ignored.add(new IgnoredFile(path, reason));
      } else if (inputs.inSplit(path)) {
        files.add(m);
      }
    }
    return new InputListing(files, List.of(), ignored);
  }

  /** How many files are not inputs. */
  public long ignored() {
    return ignoredFiles.size();
  }

  /** How many files are not inputs, by reason (sorted). */
  public Map<String, Long> ignoredByReason() {
    Map<String, Long> counts = new TreeMap<>();
    for (IgnoredFile f : ignoredFiles) {
      counts.merge(f.reason(), 1L, Long::sum);
    }
    return counts;
  }

  /**
   * A locally found file as Beam's file metadata, which every runner's steps take. Its resource id
   * is made from the path as it is (what {@code FileSystems.matchNewResource} makes of the path's
   * string, after parsing a scheme out of it and the string back into a path, for every file).
   */
  public static MatchResult.Metadata metadataOf(LocalInputWalker.Found found) {
    return MatchResult.Metadata.builder()
        .setResourceId(LocalResources.fromPath(found.path(), false))
        .setSizeBytes(found.size())
        .setLastModifiedMillis(found.lastModifiedMillis())
        .setIsReadSeekEfficient(true)
        .build();
  }

  /** How many inputs the run accounts for: files plus listing rejections. */
  public long inputs() {
    return files.size() + rejects.size();
  }
}
