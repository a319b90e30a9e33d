package io.firmsim.simulator.input;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.util.List;

/** Row-by-row reading of a Jackson CSV token stream, shared by the input readers. */
public final class CsvRows {
  private CsvRows() {}

  /**
   * Reads the next non-blank row of {@code parser} (which must be in array mode) into {@code out}.
   *
   * @return the row's line number in the file, or -1 at the end of the file
   */
  public static long nextRow(CsvParser parser, List<String> out) throws IOException {
    while (true) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return -1;
      }
      out.clear();
      long line = -1;
      for (JsonToken t = parser.nextToken(); t == JsonToken.VALUE_STRING; t = parser.nextToken()) {
        if (out.isEmpty()) {
          line = parser.currentTokenLocation().getLineNr();
        }
        out.add(parser.getText());
      }
      if (out.size() == 1 && out.get(0).isBlank()) {
        continue; // a blank line
      }
      return line;
    }
  }
}
