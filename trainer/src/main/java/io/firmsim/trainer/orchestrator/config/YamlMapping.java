package io.firmsim.trainer.orchestrator.config;

import static io.firmsim.trainer.orchestrator.config.YamlDocument.found;
import static io.firmsim.trainer.orchestrator.config.YamlDocument.quotedHint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One mapping of a {@link YamlDocument} with its key path ({@code scenarios[1].shocks[0]}) and JSON
 * pointer, and typed, checked access to its values. Every refusal is a {@link ConfigException}
 * naming the file, the line and the key path; types are strict: an integer key takes a YAML integer
 * (not {@code "12"}, not {@code 1.5}), a number key any finite YAML number, a boolean key {@code
 * true} or {@code false}, a text key a scalar, and a key with no value is an error.
 *
 * <p>Methods with a default return it when the key is absent; the others require the key. Immutable
 * and thread-safe (it only reads the tree).
 */
public final class YamlMapping {
  private final YamlDocument doc;
  private final ObjectNode node;
  private final String path;
  private final String pointer;

  YamlMapping(YamlDocument doc, ObjectNode node, String path, String pointer) {
    this.doc = doc;
    this.node = node;
    this.path = path;
    this.pointer = pointer;
  }

  /** The document this mapping belongs to. */
  public YamlDocument document() {
    return doc;
  }

  /** The mapping's node. */
  public ObjectNode node() {
    return node;
  }

  /** The key path of this mapping ({@code ""} at the top level). */
  public String path() {
    return path;
  }

  /** The keys in file order. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  public boolean has(String key) {
    return node.has(key);
  }

  /** The value of a key, or null if absent (unchecked). */
  public JsonNode get(String key) {
    return node.get(key);
  }

  /** The key path of a key of this mapping. */
  public String dotted(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The key path of element {@code index} of the list at {@code key}. */
  public String dotted(String key, int index) {
    return dotted(key) + "[" + index + "]";
  }

  private String pointerOf(String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  /** The line of a key (of this mapping when the key is absent), or -1. */
  public int lineOf(String key) {
    int line = doc.line(pointerOf(key));
    return line >= 1 ? line : doc.line(pointer);
  }

  /** The line of element {@code index} of the list at {@code key} (else of the key), or -1. */
  public int lineOf(String key, int index) {
    int line = doc.line(pointerOf(key) + "/" + index);
    return line >= 1 ? line : lineOf(key);
  }

  /** The line of this mapping, or -1. */
  public int line() {
    return doc.line(pointer);
  }

  /** {@code FILE, line N, at PATH: } for a key, to prefix a message built elsewhere. */
  public String prefix(String key) {
    int line = lineOf(key);
    return doc.name() + (line >= 1 ? ", line " + line : "") + ", at " + dotted(key) + ": ";
  }

  /** A problem with the value of a key. */
  public ConfigException fail(String key, String problem) {
    return ConfigException.at(doc.name(), lineOf(key), dotted(key), problem);
  }

  /** A problem with element {@code index} of the list at {@code key}. */
  public ConfigException failElement(String key, int index, String problem) {
    return ConfigException.at(doc.name(), lineOf(key, index), dotted(key, index), problem);
  }

  /** A problem with this mapping as a whole. */
  public ConfigException failHere(String problem) {
    return ConfigException.at(doc.name(), line(), path, problem);
  }

  /**
   * Refuses the first key not among {@code known}, listing the known ones and suggesting a close
   * one: {@code FILE, line N, at data.generate.fimrs: unknown key 'fimrs' at data.generate (known:
   * firms, years) (did you mean 'firms'?)}.
   */
  public void allow(String... known) {
    allow(true, known);
  }

  /**
   * As {@link #allow}, in the training reader's original format, without the key path before the
   * problem: {@code FILE, line N: unknown key 'fimrs' at data.generate (known: ...)} (the
   * exception's {@link ConfigException#path()} is the key's all the same).
   */
  public void allowNamingParent(String... known) {
    allow(false, known);
  }

  private void allow(boolean pathFirst, String... known) {
    List<String> allowed = List.of(known);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        int line = lineOf(key);
        throw new ConfigException(
            doc.name()
                + (line >= 1 ? ", line " + line : "")
                + (pathFirst ? ", at " + dotted(key) : "")
                + ": unknown key '"
                + key
                + "' at "
                + where()
                + " (known: "
                + String.join(", ", allowed)
                + ")"
                + YamlDocument.suggestion(key, allowed),
            line,
            dotted(key),
            null);
      }
    }
  }

  private String where() {
    return path.isEmpty() ? "the top level" : path;
  }

  /** The value of a key that must be present and not empty. */
  public JsonNode required(String key) {
    JsonNode v = node.get(key);
    if (v == null) {
      int line = line();
      throw new ConfigException(
          doc.name()
              + (line >= 1 ? ", line " + line : "")
              + ": missing required key '"
              + key
              + "' at "
              + where(),
          line,
          dotted(key),
          null);
    }
    if (v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      throw fail(key, "no value given"); // 'key:' with nothing after it reads as ''
    }
    return v;
  }

  /** A nested mapping; null if absent and not required. */
  public YamlMapping obj(String key, boolean required) {
    if (!required && !node.has(key)) {
      return null;
    }
    JsonNode v = required(key);
    if (!v.isObject()) {
      throw fail(key, "expected a mapping of keys to values, found " + found(v));
    }
    return new YamlMapping(doc, (ObjectNode) v, dotted(key), pointerOf(key));
  }

  /** A nested mapping known to be one (no check of presence or type beyond a cast). */
  public YamlMapping child(String key) {
    return new YamlMapping(doc, (ObjectNode) node.get(key), dotted(key), pointerOf(key));
  }

  /** A list; refused when empty unless {@code emptyAllowed}. */
  public JsonNode list(String key, boolean emptyAllowed) {
    JsonNode v = node.get(key);
    if (v != null && emptyAllowed && v.isArray()) {
      return v;
    }
    v = required(key);
    if (!v.isArray() || (!emptyAllowed && v.isEmpty())) {
      throw fail(
          key, "expected a " + (emptyAllowed ? "" : "non-empty ") + "list, found " + found(v));
    }
    return v;
  }

  /** Element {@code index} of the list at {@code key}, which must be a mapping. */
  public YamlMapping element(String key, int index) {
    JsonNode e = node.get(key).get(index);
    if (e == null || !e.isObject()) {
      throw failElement(key, index, "expected a mapping of keys to values, found " + found(e));
    }
    return new YamlMapping(doc, (ObjectNode) e, dotted(key, index), pointerOf(key) + "/" + index);
  }

  /** An integer in {@code [min, max]}; {@code dflt} when absent, required when it is null. */
  public Integer integer(String key, Integer dflt, int min, int max) {
    Integer v = integer(key, dflt, min);
    if (v > max) {
      throw fail(key, "expected an integer <= " + max + " (the limit), found " + v);
    }
    return v;
  }

  /** An integer {@code >= min}; {@code dflt} when absent, required when it is null. */
  public Integer integer(String key, Integer dflt, int min) {
    if (dflt != null && !node.has(key)) {
      return dflt;
    }
    JsonNode v = required(key);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw fail(key, "expected an integer, found " + found(v) + quotedHint(v));
    }
    if (v.intValue() < min) {
      throw fail(key, "expected an integer >= " + min + ", found " + v.intValue());
    }
    return v.intValue();
  }

  /** A long integer; {@code dflt} when absent. */
  public long longInteger(String key, long dflt) {
    if (!node.has(key)) {
      return dflt;
    }
    JsonNode v = required(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw fail(key, "expected an integer, found " + found(v) + quotedHint(v));
    }
    return v.longValue();
  }

  /** A required finite number. */
  public double number(String key) {
    JsonNode v = required(key);
    if (!v.isNumber()) {
      throw fail(key, "expected a number, found " + found(v) + quotedHint(v));
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw fail(key, "expected a finite number, found " + v.asText());
    }
    return d;
  }

  /** A finite number {@code > min} ({@code strict}) or {@code >= min}; {@code dflt} if absent. */
  public double number(String key, double dflt, double min, boolean strict) {
    if (!node.has(key)) {
      return dflt;
    }
    double d = number(key);
    if (strict ? !(d > min) : !(d >= min)) {
      throw fail(key, "expected a number " + (strict ? "> " : ">= ") + min + ", found " + d);
    }
    return d;
  }

  /** A required number {@code > 0}. */
  public double positive(String key) {
    double d = number(key);
    if (!(d > 0)) {
      throw fail(key, "expected a number > 0, found " + d);
    }
    return d;
  }

  /** A number {@code >= 0}; {@code dflt} when absent. */
  public double nonNegative(String key, double dflt) {
    return number(key, dflt, 0, false);
  }

  /**
   * A share in {@code [0, 1]} ({@code [0, 1)} unless {@code oneAllowed}); {@code dflt} if absent.
   */
  public double share(String key, double dflt, boolean oneAllowed) {
    if (!node.has(key)) {
      return dflt;
    }
    double d = number(key);
    if (d < 0 || d > 1 || (!oneAllowed && d == 1)) {
      throw fail(key, "expected a share in [0, 1" + (oneAllowed ? "]" : ")") + ", found " + d);
    }
    return d;
  }

  /** {@code true} or {@code false}; {@code dflt} when absent. */
  public boolean bool(String key, boolean dflt) {
    if (!node.has(key)) {
      return dflt;
    }
    JsonNode v = required(key);
    if (!v.isBoolean()) {
      throw fail(key, "expected true or false, found " + found(v));
    }
    return v.booleanValue();
  }

  /** A scalar as text, stripped: strings, and numbers or booleans as written. */
  public String text(String key) {
    JsonNode v = required(key);
    if (!v.isValueNode()) {
      throw fail(key, "expected a text value, found " + found(v));
    }
    String s = v.asText().strip();
    if (s.isEmpty()) {
      throw fail(key, "expected a text value, found an empty one");
    }
    return s;
  }

  /** One of {@code choices}, spelled exactly; {@code dflt} when absent and not null. */
  public String choice(String key, String dflt, List<String> choices) {
    if (dflt != null && !node.has(key)) {
      return dflt;
    }
    String s = text(key);
    if (!choices.contains(s)) {
      throw fail(
          key,
          "expected "
              + String.join(", ", choices.subList(0, choices.size() - 1))
              + (choices.size() > 1 ? " or " : "")
              + choices.get(choices.size() - 1)
              + ", found '"
              + s
              + "'"
              + YamlDocument.suggestion(s, choices));
    }
    return s;
  }

  /** A list of names (text or numbers as written). */
  public List<String> textList(String key) {
    JsonNode v = required(key);
    if (!v.isArray()) {
      throw fail(key, "expected a list, found " + found(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual() && !e.isNumber()) {
        throw failElement(key, i, "expected a name, found " + found(e));
      }
      out.add(e.asText().strip());
    }
    return out;
  }

  /**
   * A name matching {@code pattern}; {@code dflt} when absent and not null.
   *
   * @param rule the pattern in words, for the message (e.g. {@code "letters, digits, '.', '_' or
   *     '-'"})
   */
  public String name(String key, String dflt, Pattern pattern, String rule) {
    if (dflt != null && !node.has(key)) {
      return dflt;
    }
    String s = text(key);
    if (!pattern.matcher(s).matches()) {
      throw fail(key, "expected " + rule + ", found '" + s + "'");
    }
    return s;
  }

  /** The names and versions of trained artifacts in a repository (forecasters, embeddings). */
  private static final Pattern ARTIFACT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

  /**
   * An artifact's name or version in a repository: a letter or digit, then up to 99 letters,
   * digits, '.', '_', '+' or '-'; {@code dflt} when absent and not null.
   */
  public String artifactName(String key, String dflt) {
    return name(
        key, dflt, ARTIFACT_NAME, "a letter or digit, then letters, digits, '.', '_', '+' or '-'");
  }

  /** A path resolved against the file's folder (need not exist). */
  public Path path(String key) {
    return doc.baseDir().resolve(text(key)).normalize();
  }

  /** A path resolved against the file's folder that must be a regular file. */
  public Path existingFile(String key) {
    Path p = path(key);
    if (!Files.isRegularFile(p)) {
      throw fail(key, (Files.exists(p) ? "not a regular file: " : "no such file: ") + p);
    }
    return p;
  }

  /** A path resolved against the file's folder that must be a folder. */
  public Path existingDirectory(String key) {
    Path p = path(key);
    if (!Files.isDirectory(p)) {
      throw fail(key, (Files.exists(p) ? "not a folder: " : "no such folder: ") + p);
    }
    return p;
  }
}
