package dev.kiln.formats.parquet;

import java.util.ArrayList;
import java.util.List;

/**
 * A Parquet message type of required and optional fields and lists, as {@link ParquetTableWriter}
 * writes it: what Kiln's tables need, in the shape parquet-avro gives an Avro record of strings,
 * numbers, arrays and {@code ["null", T]} unions (a list is a required group annotated {@code
 * LIST} holding one repeated field named {@code array}, Parquet's two-level list).
 *
 * <p>Its leaf columns ({@link #columns()}) are numbered depth first, the order of the column
 * chunks in a row group.
 */
public final class ParquetSchema {
  /** A physical type, by its number in Parquet's Thrift definition. */
  public enum Type {
    INT32(1),
    INT64(2),
    FLOAT(4),
    BYTE_ARRAY(6);

    final int thriftValue;

    Type(int thriftValue) {
      this.thriftValue = thriftValue;
    }
  }

  /** A field of the schema: a primitive or a group. */
  public sealed interface Field permits Primitive, Group {
    String name();

    boolean repeated();
  }

  /**
   * A primitive field; {@code string} annotates a byte array as UTF-8 text; an {@code optional}
   * one may be absent (null), one definition level more.
   */
  public record Primitive(String name, boolean repeated, Type type, boolean string, boolean optional)
      implements Field {}

  /** A group of fields; {@code list} annotates it as a list. */
  public record Group(String name, boolean repeated, boolean list, List<Field> fields)
      implements Field {
    public Group {
      fields = List.copyOf(fields);
    }
  }

  /** A leaf column: where it is, its type, and the highest repetition and definition levels. */
  public record Column(List<String> path, Type type, int maxRepetition, int maxDefinition) {}

  private final String name;
  private final List<Field> fields;
  private final List<Column> columns = new ArrayList<>();

  /** A message type named {@code name} with {@code fields}. */
  public ParquetSchema(String name, List<Field> fields) {
    this.name = name;
    this.fields = List.copyOf(fields);
    for (Field f : this.fields) {
      addColumns(f, new ArrayList<>(), 0, 0);
    }
  }

  /** A required string field. */
  public static Field string(String name) {
    return new Primitive(name, false, Type.BYTE_ARRAY, true, false);
  }

  /** An optional string field (an Avro {@code ["null", "string"]}). */
  public static Field optionalString(String name) {
    return new Primitive(name, false, Type.BYTE_ARRAY, true, true);
  }

  /** An optional field of a numeric type (an Avro {@code ["null", T]}). */
  public static Field optional(String name, Type type) {
    return new Primitive(name, false, type, false, true);
  }

  /** A required field of a numeric type. */
  public static Field required(String name, Type type) {
    return new Primitive(name, false, type, false, false);
  }

  /** A required list of strings. */
  public static Field stringList(String name) {
    return new Group(name, false, true, List.of(new Primitive("array", true, Type.BYTE_ARRAY, true, false)));
  }

  /** A required list of groups of {@code itemFields}. */
  public static Field groupList(String name, List<Field> itemFields) {
    return new Group(name, false, true, List.of(new Group("array", true, false, itemFields)));
  }

  /** The leaf columns, depth first. */
  public List<Column> columns() {
    return columns;
  }

  private void addColumns(Field field, List<String> parentPath, int repetition, int definition) {
    List<String> path = new ArrayList<>(parentPath);
    path.add(field.name());
    if (field.repeated()) {
      repetition++;
      definition++;
    }
    if (field instanceof Primitive p) {
      if (p.optional()) {
        definition++;
      }
      columns.add(new Column(List.copyOf(path), p.type(), repetition, definition));
    } else {
      for (Field child : ((Group) field).fields()) {
        addColumns(child, path, repetition, definition);
      }
    }
  }

  /** Writes the schema as the footer's list of schema elements (field 2 of FileMetaData). */
  void writeElements(ThriftCompactWriter out) {
    out.listField(2, ThriftCompactWriter.STRUCT, 1 + countFields(fields));
    out.structBegin().stringField(4, name).i32Field(5, fields.size()).structEnd();
    for (Field f : fields) {
      writeElement(out, f);
    }
  }

  private static int countFields(List<Field> fields) {
    int n = 0;
    for (Field f : fields) {
      n++;
      if (f instanceof Group g) {
        n += countFields(g.fields());
      }
    }
    return n;
  }

  private static void writeElement(ThriftCompactWriter out, Field field) {
    out.structBegin();
    if (field instanceof Primitive p) {
      out.i32Field(1, p.type().thriftValue);
    }
    boolean optional = field instanceof Primitive q && q.optional();
    out.i32Field(3, field.repeated() ? REPEATED : optional ? OPTIONAL : REQUIRED);
    out.stringField(4, field.name());
    if (field instanceof Primitive p) {
      if (p.string()) {
        out.i32Field(6, CONVERTED_UTF8);
        out.structField(10).structField(LOGICAL_STRING).structEnd().structEnd();
      }
      out.structEnd();
      return;
    }
    Group g = (Group) field;
    out.i32Field(5, g.fields().size());
    if (g.list()) {
      out.i32Field(6, CONVERTED_LIST);
      out.structField(10).structField(LOGICAL_LIST).structEnd().structEnd();
    }
    out.structEnd();
    for (Field child : g.fields()) {
      writeElement(out, child);
    }
  }

  // Values of Parquet's Thrift enums and union members.
  private static final int REQUIRED = 0;
  private static final int OPTIONAL = 1;
  private static final int REPEATED = 2;
  private static final int CONVERTED_UTF8 = 0;
  private static final int CONVERTED_LIST = 3;
  private static final int LOGICAL_STRING = 1;
  private static final int LOGICAL_LIST = 3;
}
