package io.firmsim.trainer.panel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ParquetPanelReader} reads what the simulator's Parquet panel writer writes, bit for bit
 * (float32 panels as the floats they hold), finds columns by name, and rejects broken files with a
 * message naming the file, the row (record number) and the column.
 */
class ParquetPanelReaderTest {
  private static Panel panel;

  @TempDir Path dir;

  @BeforeAll
  static void simulate() {
    panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 300, 3, 1, 7);
  }

  @Test
  void readsADoublePanelExactly() throws IOException {
    Path file = dir.resolve("panel.parquet");
    writeWithSimulator(file, false);

    Panel read = ParquetPanelReader.read(file);
    assertEquals(panel.rows(), read.rows());
    assertArrayEquals(panel.firmIds(), read.firmIds());
    assertArrayEquals(panel.years(), read.years());
    // Arrays.equals on doubles compares bit patterns (0.0 and -0.0 differ)
    assertTrue(Arrays.equals(panel.state(), read.state()), "state values differ");
    assertTrue(Arrays.equals(panel.flows(), read.flows()), "flow values differ");
    for (int r = 0; r < read.rows(); r++) {
      assertEquals(panel.previousRow(r), read.previousRow(r));
    }
  }

  @Test
  void readsAFloatPanelAsItsFloats() throws IOException {
    Path file = dir.resolve("panel32.parquet");
    writeWithSimulator(file, true);

    Panel read = ParquetPanelReader.read(file);
    assertEquals(panel.rows(), read.rows());
    assertArrayEquals(panel.firmIds(), read.firmIds());
    assertArrayEquals(panel.years(), read.years());
    assertTrue(Arrays.equals(toFloats(panel.state()), read.state()), "state values differ");
    assertTrue(Arrays.equals(toFloats(panel.flows()), read.flows()), "flow values differ");
  }

  @Test
  void findsColumnsByNameAndIgnoresExtraOnes() throws IOException {
    List<String> names = new ArrayList<>(ParquetPanelReader.expectedNames());
    Collections.shuffle(names, new Random(5));
    names.add(names.size() / 2, "comment");
    Path file = dir.resolve("shuffled.parquet");
    writeColumns(file, names, -1, null, 0);

    Panel read = ParquetPanelReader.read(file);
    assertArrayEquals(panel.firmIds(), read.firmIds());
    assertArrayEquals(panel.years(), read.years());
    assertTrue(Arrays.equals(panel.state(), read.state()), "state values differ");
    assertTrue(Arrays.equals(panel.flows(), read.flows()), "flow values differ");
  }

  @Test
  void aMissingColumnIsNamed() throws IOException {
    String gone = StateVariable.all().get(3).name();
    List<String> names = new ArrayList<>(ParquetPanelReader.expectedNames());
    names.remove(gone);
    Path file = dir.resolve("missing.parquet");
    writeColumns(file, names, -1, null, 0);

    BadInputException e =
        assertThrows(BadInputException.class, () -> ParquetPanelReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("column '" + gone + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("missing column"), e.getMessage());
  }

  @Test
  void aNonFiniteValueIsReportedWithRowAndColumn() throws IOException {
    String column = FlowVariable.all().get(FlowVariable.count() - 1).name();
    Path file = dir.resolve("nan.parquet");
    writeColumns(file, ParquetPanelReader.expectedNames(), 41, column, Double.NaN);

    BadInputException e =
        assertThrows(BadInputException.class, () -> ParquetPanelReader.read(file));
    assertEquals(file + ", row 42, column '" + column + "': non-finite value NaN", e.getMessage());
  }

  @Test
  void aMissingFileOrANonParquetFileIsABadInput() throws IOException {
    Path missing = dir.resolve("none.parquet");
    BadInputException e =
        assertThrows(BadInputException.class, () -> ParquetPanelReader.read(missing));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());

    Path text = dir.resolve("text.parquet");
    Files.writeString(text, "firm_id,year\n1,2000\n");
    e = assertThrows(BadInputException.class, () -> ParquetPanelReader.read(text));
    assertTrue(e.getMessage().startsWith(text.toString()), e.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  private static void writeWithSimulator(Path file, boolean float32) throws IOException {
    try (PanelWriter w = PanelWriter.open(PanelFormat.PARQUET, file, float32)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] toFloats(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /**
   * Writes {@link #panel} with parquet's example Group writer, as columns {@code names} in that
   * order (a name that is no panel column is a text column), with {@code value} in place of record
   * {@code row}'s (0-based, negative: none) {@code column}.
   */
  private static void writeColumns(
      Path file, List<String> names, int row, String column, double value) throws IOException {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String name : names) {
      if (name.equals(ParquetPanelReader.FIRM_ID)) {
        b.required(PrimitiveTypeName.INT64).named(name);
      } else if (name.equals(ParquetPanelReader.YEAR)) {
        b.required(PrimitiveTypeName.INT32).named(name);
      } else if (isPanelValue(name)) {
        b.required(PrimitiveTypeName.DOUBLE).named(name);
      } else {
        b.required(PrimitiveTypeName.BINARY).named(name);
      }
    }
    MessageType schema = b.named("test_panel");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(schema)
            .withConf(new PlainParquetConfiguration())
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (int r = 0; r < panel.rows(); r++) {
        Group g = groups.newGroup();
        for (String name : names) {
          if (name.equals(ParquetPanelReader.FIRM_ID)) {
            g.append(name, panel.firmId(r));
          } else if (name.equals(ParquetPanelReader.YEAR)) {
            g.append(name, panel.year(r));
          } else if (isPanelValue(name)) {
            g.append(name, r == row && name.equals(column) ? value : panelValue(r, name));
          } else {
            g.append(name, "row " + r);
          }
        }
        w.write(g);
      }
    }
  }

  private static boolean isPanelValue(String name) {
    return ParquetPanelReader.expectedNames().subList(2, 2 + Panel.S + Panel.F).contains(name);
  }

  private static double panelValue(int row, String name) {
    StateVariable v = StateVariable.byName(name).orElse(null);
    if (v != null) {
      return panel.state(row, v);
    }
    for (FlowVariable f : FlowVariable.all()) {
      if (f.name().equals(name)) {
        return panel.flow(row, f);
      }
    }
    throw new IllegalArgumentException(name);
  }
}
