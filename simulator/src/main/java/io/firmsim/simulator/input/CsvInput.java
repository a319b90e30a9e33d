package io.firmsim.simulator.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The entry of the CSV input layer: opens a file as a stream of cells (Jackson's {@link CsvParser}:
 * UTF-8, quoted cells as in RFC 4180), reads its header into a {@link CsvHeader}, and turns every
 * I/O or syntax failure into a {@link BadInputException} naming the file (and the line where
 * known), with the original exception as its cause. Every CSV reader of the project goes through
 * here; cells are parsed by {@link CsvCells}, and large files are read by {@link BatchedCsvReader}.
 */
public final class CsvInput {
  private static final CsvFactory FACTORY = CsvFactory.builder().build();

  private CsvInput() {}

  /** The work done on an open file. */
  @FunctionalInterface
  public interface Body<T> {
    T read(CsvParser parser) throws IOException;
  }

  /**
   * Opens {@code file}, runs {@code body} on its cells and closes it.
   *
   * @throws BadInputException if the file is missing, unreadable, not UTF-8 or malformed CSV, or
   *     whatever {@code body} throws
   */
  public static <T> T read(Path file, Body<T> body) {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file);
        CsvParser parser = FACTORY.createParser(in)) {
      return body.read(parser);
    } catch (IOException e) {
      throw problem(file, e);
    }
  }

  /** The {@link BadInputException} for an I/O or syntax failure on {@code file}, cause kept. */
  public static BadInputException problem(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new BadInputException(file + ": no such file", e);
    }
    if (e instanceof JsonProcessingException j) {
      long line = j.getLocation() == null ? -1 : j.getLocation().getLineNr();
      return CsvCells.problem(file, line, null, "malformed CSV: " + j.getOriginalMessage(), e);
    }
    if (e instanceof CharacterCodingException) {
      return new BadInputException(file + ": not UTF-8 text (" + e + ")", e);
    }
    return new BadInputException(file + ": cannot read: " + e, e);
  }

  /**
   * Reads the header line (the first non-blank line) and classifies it; {@link CsvHeader#check()}
   * is left to the caller.
   *
   * @throws BadInputException for an empty file
   */
  public static CsvHeader header(CsvParser parser, Path file, CsvHeader.Schema schema)
      throws IOException {
    List<String> cells = new ArrayList<>();
    long line = CsvRows.nextRow(parser, cells);
    if (line < 0) {
      throw BadInputException.at(
          file, -1, null, "empty file: expected a header line; " + schema.description());
    }
    return CsvHeader.of(file, line, cells, schema);
  }
}
