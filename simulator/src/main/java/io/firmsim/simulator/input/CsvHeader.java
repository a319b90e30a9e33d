package io.firmsim.simulator.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The header line of a CSV input and what each of its columns holds: the one header handling of
 * every reader of the project (populations, macro paths, panels, {@code fit} data), so that they
 * all accept and refuse the same headers with the same messages.
 *
 * <p>Rules: names are trimmed, and a UTF-8 byte order mark before the first name is dropped (Excel
 * and many Windows tools write one). A reader names its columns in a {@link Schema}, each {@link
 * Role#REQUIRED required}, {@link Role#OPTIONAL optional} or {@link Role#IGNORED ignored}; any
 * other name is <i>unknown</i>, and the schema either refuses unknown columns (so a misspelt column
 * is never silently dropped) or ignores them. A name that occurs twice is always a problem (which
 * of the two columns would be meant?), named with both positions; so is an empty name, unless
 * unknown columns are ignored, in which case an empty name is just another ignored column.
 *
 * <p>{@link #of} only classifies, so that a reader that reports problems instead of refusing them
 * (the data-quality gates) can list them; {@link #check()} refuses the first problem, in the order:
 * empty name, duplicate, unknown, missing. Immutable.
 */
public final class CsvHeader {
  /** The UTF-8 byte order mark as a character. */
  public static final char BOM = '\uFEFF';

  /** How a reader treats a column it names. */
  public enum Role {
    /** Must be present. */
    REQUIRED,
    /** Read when present. */
    OPTIONAL,
    /** Allowed and not read. */
    IGNORED
  }

  /** The columns a reader knows, and whether it refuses columns it does not know. Immutable. */
  public static final class Schema {
    private final Map<String, Role> roles;
    private final boolean unknownAllowed;
    private final String description;

    private Schema(Map<String, Role> roles, boolean unknownAllowed, String description) {
      this.roles = roles;
      this.unknownAllowed = unknownAllowed;
      this.description = description;
    }

    /**
     * @param description what a header of this kind holds, added to messages about unknown and
     *     missing columns, e.g. "a population file has firm_id and the state columns"
     */
    public static Builder builder(String description) {
      return new Builder(description);
    }

    /** The role of a name, null for an unknown one. */
    public Role role(String name) {
      return roles.get(name);
    }

    /** The required names, in the order they were given. */
    public List<String> required() {
      return roles.entrySet().stream()
          .filter(e -> e.getValue() == Role.REQUIRED)
          .map(Map.Entry::getKey)
          .collect(Collectors.toList());
    }

    public boolean unknownAllowed() {
      return unknownAllowed;
    }

    public String description() {
      return description;
    }

    /** Builds a {@link Schema}; a name given twice keeps its first role. */
    public static final class Builder {
      private final Map<String, Role> roles = new LinkedHashMap<>();
      private final String description;
      private boolean unknownAllowed;

      private Builder(String description) {
        this.description = Objects.requireNonNull(description, "description");
      }

      public Builder required(Collection<String> names) {
        return add(names, Role.REQUIRED);
      }

      public Builder required(String... names) {
        return required(List.of(names));
      }

      public Builder optional(Collection<String> names) {
        return add(names, Role.OPTIONAL);
      }

      public Builder optional(String... names) {
        return optional(List.of(names));
      }

      public Builder ignored(Collection<String> names) {
        return add(names, Role.IGNORED);
      }

      /** Columns the schema does not name are ignored instead of refused. */
      public Builder allowUnknown() {
        unknownAllowed = true;
        return this;
      }

      private Builder add(Collection<String> names, Role role) {
        for (String name : names) {
          roles.putIfAbsent(name, role);
        }
        return this;
      }

      public Schema build() {
        return new Schema(new LinkedHashMap<>(roles), unknownAllowed, description);
      }
    }
  }

  /** A name that occurs more than once: the name and its first two positions (0-based). */
  public record Duplicate(String name, int first, int second) {}

  private final Path file;
  private final long line;
  private final Schema schema;
  private final String[] names;
  private final Map<String, Integer> columns; // first position of each name
  private final int emptyName; // first position of an empty name that is a problem, -1: none
  private final List<Duplicate> duplicates;
  private final List<String> unknown;
  private final List<String> missing;

  private CsvHeader(Path file, long line, List<String> cells, Schema schema) {
    this.file = file;
    this.line = line;
    this.schema = schema;
    int n = cells.size();
    names = new String[n];
    columns = new HashMap<>();
    List<Duplicate> dups = new ArrayList<>();
    List<String> unknownNames = new ArrayList<>();
    int empty = -1;
    for (int c = 0; c < n; c++) {
      String name = cells.get(c) == null ? "" : cells.get(c).strip();
      if (c == 0 && !name.isEmpty() && name.charAt(0) == BOM) {
        name = name.substring(1).strip();
      }
      names[c] = name;
      if (name.isEmpty()) {
        if (schema.unknownAllowed) {
          unknownNames.add(name);
        } else if (empty < 0) {
          empty = c;
        }
        continue;
      }
      Integer before = columns.putIfAbsent(name, c);
      if (before != null) {
        String repeated = name;
        if (dups.stream().noneMatch(d -> d.name().equals(repeated))) {
          dups.add(new Duplicate(name, before, c));
        }
      } else if (schema.role(name) == null) {
        unknownNames.add(name);
      }
    }
    emptyName = empty;
    duplicates = List.copyOf(dups);
    unknown = List.copyOf(unknownNames);
    List<String> absent = new ArrayList<>();
    for (String name : schema.required()) {
      if (!columns.containsKey(name)) {
        absent.add(name);
      }
    }
    missing = List.copyOf(absent);
  }

  /**
   * Classifies the cells of a header line without refusing anything.
   *
   * @param file the file, for messages
   * @param line the header's line number in the file
   * @param cells the header's cells as read
   */
  public static CsvHeader of(Path file, long line, List<String> cells, Schema schema) {
    return new CsvHeader(
        Objects.requireNonNull(file, "file"),
        line,
        Objects.requireNonNull(cells, "cells"),
        Objects.requireNonNull(schema, "schema"));
  }

  /**
   * Refuses the first problem of the header: an empty name, a duplicate (naming both positions), an
   * unknown column (when the schema refuses them) or a missing required column.
   *
   * @return this header
   * @throws BadInputException naming the file, the header's line and the column
   */
  public CsvHeader check() {
    if (emptyName >= 0) {
      throw BadInputException.at(
          file, line, null, "empty column name (column " + (emptyName + 1) + " of the header)");
    }
    if (!duplicates.isEmpty()) {
      Duplicate d = duplicates.get(0);
      throw BadInputException.at(
          file,
          line,
          d.name(),
          "duplicate column: columns "
              + (d.first() + 1)
              + " and "
              + (d.second() + 1)
              + " of the header have the same name");
    }
    if (!unknown.isEmpty() && !schema.unknownAllowed) {
      throw BadInputException.at(
          file,
          line,
          unknown.get(0),
          "unknown column"
              + (unknown.size() > 1 ? " (all unknown: " + quoteAll(unknown) + ")" : "")
              + "; "
              + schema.description);
    }
    if (!missing.isEmpty()) {
      throw BadInputException.at(
          file,
          line,
          missing.get(0),
          "missing column"
              + (missing.size() > 1 ? " (all missing: " + quoteAll(missing) + ")" : "")
              + "; "
              + schema.description);
    }
    return this;
  }

  /** The file, for messages. */
  public Path file() {
    return file;
  }

  /** The header's line number in the file. */
  public long line() {
    return line;
  }

  /** Number of columns. */
  public int width() {
    return names.length;
  }

  /** The name of a column (0-based), trimmed, without a byte order mark. */
  public String name(int column) {
    return names[column];
  }

  /** The names of all columns, in file order. */
  public List<String> names() {
    return List.of(names);
  }

  /** The (first) position of a column, -1 if the header does not have it. */
  public int column(String name) {
    Integer c = columns.get(name);
    return c == null ? -1 : c;
  }

  /** The role a column (0-based) has in the schema; null for an unknown column. */
  public Role role(int column) {
    return schema.role(names[column]);
  }

  /** Names that occur more than once, each with its first two positions. */
  public List<Duplicate> duplicates() {
    return duplicates;
  }

  /** Names the schema does not know, in file order. */
  public List<String> unknown() {
    return unknown;
  }

  /** Required names the header lacks, in schema order. */
  public List<String> missing() {
    return missing;
  }

  private static String quoteAll(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }
}
