package dev.kiln.formats;

/**
 * A completed shard file of any Kiln output format, as listed in {@code manifest.json}.
 *
 * @param name file name relative to the dataset directory
 * @param samples number of samples in the shard
 * @param bytes file size in bytes
 * @param sha256 SHA-256 of the whole file, lowercase hex
 */
public record ShardFile(String name, long samples, long bytes, String sha256) {}
