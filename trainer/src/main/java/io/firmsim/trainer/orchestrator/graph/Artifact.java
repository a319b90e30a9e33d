package io.firmsim.trainer.orchestrator.graph;

/**
 * The name of something a task reads or writes: a data set, a fitted submodel, an assembled model,
 * a report. Tasks declare artifacts by id (see {@link Task#inputs()}); this record is a small
 * helper that builds and takes apart the conventional {@code kind:name} ids, e.g. {@code
 * dataset:panel}, {@code submodel:EDEPMA.prob}. Ids without a colon, e.g. {@code model}, are valid
 * too; their kind is the whole id and their name is empty.
 *
 * <p>The engine never interprets ids beyond equality: two declarations name the same artifact
 * exactly when their ids are equal strings.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the artifact id, non-blank
 */
public record Artifact(String id) {

  public Artifact {
    requireValidId(id, "artifact id");
  }

  /**
   * Builds the id {@code kind + ":" + name}.
   *
   * @param kind the artifact kind, e.g. {@code submodel}; non-blank, without a colon
   * @param name the name within the kind, e.g. {@code EDEPMA.prob}; non-blank
   * @return the artifact
   */
  public static Artifact of(String kind, String name) {
    requireValidId(kind, "artifact kind");
    requireValidId(name, "artifact name");
    if (kind.indexOf(':') >= 0) {
      throw new IllegalArgumentException("artifact kind must not contain ':': " + kind);
    }
    return new Artifact(kind + ":" + name);
  }

  /** The part before the first colon, or the whole id when it has none. */
  public String kind() {
    int colon = id.indexOf(':');
    return colon < 0 ? id : id.substring(0, colon);
  }

  /** The part after the first colon, or the empty string when the id has none. */
  public String name() {
    int colon = id.indexOf(':');
    return colon < 0 ? "" : id.substring(colon + 1);
  }

  @Override
  public String toString() {
    return id;
  }

  static void requireValidId(String id, String what) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " must be non-blank");
    }
  }
}
