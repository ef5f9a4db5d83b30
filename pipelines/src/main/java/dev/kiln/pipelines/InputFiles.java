package dev.kiln.pipelines;

import dev.kiln.transforms.labels.SplitRule;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which files a run takes as inputs and what each one's sample key is.
 *
 * <p>The input is a directory (read recursively) or a glob. The <em>root</em> is the directory
 * itself, or the part of the glob before its first wildcard. A key is the input's path relative to
 * the root, '/'-separated, without its extension: {@code root/cats/tom.jpg} is {@code cats/tom}.
 */
public final class InputFiles implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Extensions of the image formats Kiln decodes (InputFilesTest checks each format has one). */
  public static final String DEFAULT_EXTENSIONS =
      "jpg,jpeg,jpe,jfif,png,gif,bmp,dib,tif,tiff,webp,psd,psb,pnm,pbm,pgm,ppm,pam,tga,ico,cur,"
          + "sgi,rgb,rgba,bw,pcx,icns,iff,ilbm,lbm,pict,pct,hdr,rgbe,dds";

  private static final String S3_SCHEME = "s3://";

  private final String glob;
  private final String root;

  /** {@link #root} ending in a slash: each listed file is made relative several times. */
  private final String rootPrefix;

  private final Set<String> extensions; // empty = all
  private final boolean keyExtension;

  /** With {@code --split}: the rule, and the split whose inputs these are; else null. */
  private final SplitRule split;

  private final String splitName;

  /** Where the launcher's listing of these inputs is ({@link LauncherListing}), or null. */
  private final String listing;

  private InputFiles(String glob, String root, Set<String> extensions, boolean keyExtension) {
    this(glob, root, extensions, keyExtension, null, null, null);
  }

  private InputFiles(
      String glob,
      String root,
      Set<String> extensions,
      boolean keyExtension,
      SplitRule split,
      String splitName,
      String listing) {
    this.glob = glob;
    this.root = root;
    this.rootPrefix = root.endsWith("/") ? root : root + "/";
    this.extensions = extensions;
    this.keyExtension = keyExtension;
    this.split = split;
    this.splitName = splitName;
    this.listing = listing;
  }

  /**
   * These inputs restricted to one split of {@code rule} ({@code --split=hash:...} or {@code
   * column:NAME}): the others belong to other splits' datasets, so listing leaves them out.
   */
  public InputFiles onlySplit(SplitRule rule, String name) {
    return new InputFiles(glob, root, extensions, keyExtension, rule, name, listing);
  }

  /**
   * These inputs as the launcher listed them into {@code location} ({@link LauncherListing}): a
   * job's workers read that file instead of listing the store again.
   */
  public InputFiles listedIn(String location) {
    return new InputFiles(glob, root, extensions, keyExtension, split, splitName, location);
  }

  /** Where the launcher's listing of these inputs is, or null when a job lists them itself. */
  public String listing() {
    return listing;
  }

  /** Whether a listed path (a file, or what a listing rejection names) is in this run's split. */
  public boolean inSplit(String path) {
    return split == null || splitName.equals(split.splitOf(relative(path), keyOf(path)));
  }

  /**
   * Interprets {@code --input} and {@code --extensions}.
   *
   * @throws IllegalArgumentException naming the flag when either is unusable
   */
  public static InputFiles of(String input, String extensionList) {
    return of(input, extensionList, false);
  }

  /**
   * Interprets {@code --input}, {@code --extensions} and {@code --key-extension}: with {@code
   * keyExtension}, a key keeps its file's extension ({@code cats/tom.jpg}), so inputs that differ
   * only in extension no longer share a key.
   *
   * @throws IllegalArgumentException naming the flag when either is unusable
   */
  public static InputFiles of(String input, String extensionList, boolean keyExtension) {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("--input is required");
    }
    Set<String> exts = parseExtensions(extensionList);
    int wildcard = firstWildcard(input);
    if (input.startsWith(S3_SCHEME)) {
      return onObjectStore(input, wildcard, exts, keyExtension);
    }
    if (wildcard < 0) {
      Path dir = Path.of(input).toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(
            "--input="
                + input
                + ": not a directory (give a directory or a glob such as 'dir/**.jpg')");
      }
      String root = dir.toString();
      return new InputFiles(join(root, "**"), root, exts, keyExtension);
    }
    String prefix = input.substring(0, wildcard);
    int slash = prefix.lastIndexOf('/');
    String rootPart = slash < 0 ? "." : (slash == 0 ? "/" : prefix.substring(0, slash));
    Path root = Path.of(rootPart).toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(
          "--input=" + input + ": directory " + root + " does not exist");
    }
    String rest = slash < 0 ? input : input.substring(slash + 1);
    return new InputFiles(join(root.toString(), rest), root.toString(), exts, keyExtension);
  }

  /**
   * Inputs on S3: a prefix (every object below it) or a glob. The root is the prefix, or the glob's
   * part before the '/' that precedes its first wildcard; whether the bucket exists is checked by
   * the launcher, and listing pages through Beam's S3 file system.
   */
  private static InputFiles onObjectStore(
      String input, int wildcard, Set<String> exts, boolean keyExtension) {
    String bucketAndKey = input.substring(S3_SCHEME.length());
    if (bucketAndKey.isEmpty() || bucketAndKey.startsWith("/")) {
      throw new IllegalArgumentException(
          "--input=" + input + ": no bucket (write s3://BUCKET/PREFIX)");
    }
    if (wildcard < 0) {
      String root = input;
      while (root.endsWith("/") && root.length() > S3_SCHEME.length()) {
        root = root.substring(0, root.length() - 1);
      }
      return new InputFiles(join(root, "**"), root, exts, keyExtension);
    }
    String prefix = input.substring(0, wildcard);
    int slash = prefix.lastIndexOf('/');
    if (slash < S3_SCHEME.length()) {
      throw new IllegalArgumentException(
          "--input=" + input + ": a glob needs a bucket before its first wildcard");
    }
    return new InputFiles(input, input.substring(0, slash), exts, keyExtension);
  }

  private static String join(String dir, String rest) {
    return dir.endsWith("/") ? dir + rest : dir + "/" + rest;
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  private static Set<String> parseExtensions(String list) {
    Set<String> exts = new TreeSet<>();
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("--extensions is empty (use 'all' to take every file)");
    }
    if (list.trim().equalsIgnoreCase("all")) {
      return exts;
    }
    for (String e : list.split(",")) {
      String ext = e.trim().toLowerCase(Locale.ROOT);
      if (ext.startsWith(".")) {
        ext = ext.substring(1);
      }
      if (ext.isEmpty() || ext.contains("/")) {
        throw new IllegalArgumentException(
            "--extensions=" + list + ": '" + e + "' is not an extension");
      }
      exts.add(ext);
    }
    return exts;
  }

  /** The filepattern handed to Beam's {@code FileIO.match}. */
  public String glob() {
    return glob;
  }

  /** Absolute path of the directory keys are relative to. */
  public String root() {
    return root;
  }

  /**
   * Whether a matched file is an input: not hidden (no path segment below the root starts with
   * '.'), and its extension is selected.
   */
  public boolean accepts(String path) {
    return ignoreReason(path) == null;
  }

  /**
   * Why a matched file is not an input ({@link IgnoredFile#HIDDEN} or {@link
   * IgnoredFile#EXTENSION}), or null when it is one.
   */
  public String ignoreReason(String path) {
    String relative = relative(path);
    if (hiddenBelowRoot(relative)) {
      return IgnoredFile.HIDDEN;
    }
    if (extensions.isEmpty()) {
      return null;
    }
    String name = relative.substring(relative.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    boolean selected =
        dot > 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    return selected ? null : IgnoredFile.EXTENSION;
  }

  /** Whether any segment of the path below the root starts with '.'. */
  public boolean hidden(String path) {
    return hiddenBelowRoot(relative(path));
  }

  /** {@link #hidden} for a path already made relative to the root. */
  private static boolean hiddenBelowRoot(String relative) {
    // A segment starts with '.' where the path does or where one follows a '/': the same test as
    // splitting it into segments, without the strings (every listed file is tested).
    return relative.startsWith(".") || relative.contains("/.");
  }

  /**
   * Whether every file below the root matches the {@link #glob} (the input was a directory), so
   * that listing need not test each against it.
   */
  public boolean globMatchesAll() {
    return glob.equals(join(root, "**"));
  }

  /** The sample key of a matched file (with its extension under {@code --key-extension}). */
  public String keyOf(String path) {
    String relative = relative(path);
    if (keyExtension) {
      return relative;
    }
    int slash = relative.lastIndexOf('/');
    int dot = relative.lastIndexOf('.');
    return dot > slash + 1 ? relative.substring(0, dot) : relative;
  }

  /** A matched file's path relative to the root, '/'-separated, with its extension. */
  public String relativePathOf(String path) {
    return relative(path);
  }

  private String relative(String path) {
    String p = path.startsWith("file:") ? Path.of(java.net.URI.create(path)).toString() : path;
    String prefix = rootPrefix;
    if (!p.startsWith(prefix)) {
      throw new IllegalArgumentException("input " + path + " is not under the input root " + root);
    }
    return p.substring(prefix.length());
  }
}
