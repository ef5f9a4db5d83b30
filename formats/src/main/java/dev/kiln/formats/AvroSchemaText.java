package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON of an Avro schema file ({@code .avsc}) as Avro writes the schema ({@code
 * Schema.toString()}), read without Avro's parser: the file's tokens written compactly with
 * Jackson's streaming API. Avro's parser builds a Jackson tree and loads Jackson's object mapper
 * (~550 classes), which a run that only writes Kiln shards and their catalog never needs otherwise.
 *
 * <p>The text is Avro's own only while the file keeps Avro's order of keys ({@code type}, {@code
 * name}, {@code namespace}, {@code doc}, {@code fields}; {@code name}, {@code type}, {@code doc},
 * {@code default}): each schema file's test compares the two.
 */
public final class AvroSchemaText {
  private AvroSchemaText() {}

  /** The compact JSON of the resource {@code name} beside {@code owner}. */
  public static String of(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing beside " + owner.getName());
      }
      JsonFactory json = new JsonFactory();
      StringWriter out = new StringWriter();
      try (JsonParser parser = json.createParser(in);
          JsonGenerator generator = json.createGenerator(out)) {
        parser.nextToken();
        generator.copyCurrentStructure(parser);
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
