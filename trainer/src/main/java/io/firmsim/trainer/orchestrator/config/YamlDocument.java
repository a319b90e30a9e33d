package io.firmsim.trainer.orchestrator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One parsed YAML configuration file: its tree, the line of every key and list element, the name
 * used in messages and the folder relative paths resolve against. The readers of training,
 * forecaster and scenario files share it so that every one of them reports problems the same way: a
 * {@link ConfigException} naming the file, the line and the key path ({@code
 * scenarios[1].shocks[0].magnitude}).
 *
 * <p>Parsing is strict: a key repeated in one mapping is an error (Jackson's strict duplicate
 * detection). The tree is read once and not changed afterwards; instances are immutable in effect
 * and safe to share between threads.
 */
public final class YamlDocument {
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

  private final Path file;
  private final String name;
  private final Path baseDir;
  private final JsonNode root;
  private final Map<String, Integer> lines;

  private YamlDocument(Path file, JsonNode root, Map<String, Integer> lines) {
    this.file = file;
    this.name = file.toString();
    Path parent = file.toAbsolutePath().getParent();
    this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    this.root = root;
    this.lines = lines;
  }

  /**
   * Reads a file as UTF-8 text.
   *
   * @throws ConfigException if it does not exist, is not UTF-8 or cannot be read
   */
  public static String readText(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file", -1, null, e);
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + ": not UTF-8 text", -1, null, e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), -1, null, e);
    }
  }

  /**
   * Whether {@code file} is YAML whose top level is a mapping with the key {@code key}: which kind
   * of configuration a file is. A file that cannot be read or parsed is none (its reader then
   * reports the problem).
   */
  public static boolean hasTopLevelKey(Path file, String key) {
    try {
      JsonNode root = MAPPER.readTree(Files.readString(file));
      return root != null && root.isObject() && root.has(key);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Parses YAML text as if read from {@code file}, which names it in messages and whose folder
   * relative paths resolve against (the file itself is not read).
   *
   * @throws ConfigException if the text is not well-formed YAML or repeats a key
   */
  public static YamlDocument parse(String text, Path file) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(file, "file");
    Map<String, Integer> lines = new HashMap<>();
    JsonNode root;
    try {
      try (JsonParser p = YAML.createParser(text)) {
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
            lines.putIfAbsent(
                p.getParsingContext().pathAsPointer().toString(),
                p.currentTokenLocation().getLineNr());
          }
        }
      }
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new ConfigException(
          file
              + (line >= 1 ? ", line " + line : "")
              + ": malformed YAML: "
              + e.getOriginalMessage().strip(),
          line,
          null,
          e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), -1, null, e);
    }
    return new YamlDocument(file, root, lines);
  }

  /** The file as given (not resolved). */
  public Path file() {
    return file;
  }

  /** The file's name in messages. */
  public String name() {
    return name;
  }

  /** The absolute folder relative paths in the file resolve against. */
  public Path baseDir() {
    return baseDir;
  }

  /** The parsed tree; null or a missing node for an empty file. */
  public JsonNode root() {
    return root;
  }

  /** Whether the file holds nothing (empty, only comments, or {@code null}). */
  public boolean isEmpty() {
    return root == null || root.isMissingNode() || root.isNull();
  }

  /** The 1-based line of the node at a JSON pointer ({@code /scenarios/1/name}), or -1. */
  public int line(String pointer) {
    return lines.getOrDefault(pointer, -1);
  }

  /**
   * The top level as a mapping.
   *
   * @param expected what the top level should hold, for the message when it is not a mapping (e.g.
   *     {@code "a mapping with keys data, model, training, gates"})
   * @throws ConfigException if the file is empty or its top level is not a mapping
   */
  public YamlMapping top(String expected) {
    if (isEmpty()) {
      throw ConfigException.at(name, -1, null, "empty file; expected " + expected);
    }
    if (!root.isObject()) {
      throw ConfigException.at(name, 1, null, "expected " + expected + ", found " + found(root));
    }
    return new YamlMapping(this, (ObjectNode) root, "", "");
  }

  /** A problem at a JSON pointer, named by its key path. */
  public ConfigException fail(String pointer, String path, String problem) {
    return ConfigException.at(name, line(pointer), path, problem);
  }

  /** How a value is described in messages: text quoted, numbers as written, else its kind. */
  public static String found(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "no value";
    }
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return v.isEmpty() ? "an empty list" : "a list";
    }
    if (v.isTextual()) {
      String s = v.asText();
      return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
    }
    return v.asText();
  }

  /** A hint for text that would be a number without its quotes, else "". */
  public static String quotedHint(JsonNode v) {
    if (v.isTextual()) {
      try {
        Double.parseDouble(v.asText().strip());
        return " (text: remove the quotes)";
      } catch (NumberFormatException e) {
        return "";
      }
    }
    return "";
  }

  /** " (did you mean 'x'?)" for a name close to one of {@code known}, else "". */
  public static String suggestion(String name, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name.toLowerCase(), k.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(1, name.length() / 3)
        ? " (did you mean '" + best + "'?)"
        : "";
  }

  /** Levenshtein distance with adjacent transpositions counted as one edit. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
