package io.firmsim.serving.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests against a hand-written signature: what is accepted decodes to the values written (flat
 * and nested alike), every refusal is INVALID with a message naming the input and, for values, the
 * index; an answer written and read back keeps id, parameters and values.
 */
class InferRequestParserTest {
  private static final ModelSignature SIG =
      new ModelSignature(
          List.of(
              new TensorSpec("x", DataType.FP64, new long[] {-1, 3}),
              new TensorSpec("f", DataType.FP32, new long[] {-1}),
              new TensorSpec("k", DataType.INT64, new long[] {2}),
              new TensorSpec("b", DataType.BOOL, new long[] {-1, 1})),
          List.of(
              new TensorSpec("y", DataType.FP64, new long[] {-1}),
              new TensorSpec("z", DataType.FP64, new long[] {-1, 2})));

  private static String request(String x) {
    return "{\"id\":\"r1\",\"parameters\":{\"p\":[1,2]},\"inputs\":["
        + x
        + ",{\"name\":\"f\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[0.5,3]}"
        + ",{\"name\":\"k\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[9007199254740993,-4]}"
        + ",{\"name\":\"b\",\"shape\":[2,1],\"datatype\":\"BOOL\",\"data\":[[true],[false]]}]"
        + ",\"outputs\":[{\"name\":\"z\"}]}";
  }

  private static final String X_FLAT =
      "{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,2.5,-3,4e2,5,6]}";

  private static InferRequest parse(String json) throws InferenceException {
    return InferRequestParser.parse(json.getBytes(StandardCharsets.UTF_8), "m", SIG);
  }

  @Test
  void flatAndNestedDataDecodeToTheValuesWritten() throws Exception {
    InferRequest flat = parse(request(X_FLAT));
    InferRequest nested =
        parse(
            request(
                "{\"data\":[[1,2.5,-3],[400,5,6]],\"name\":\"x\",\"datatype\":\"FP64\",\"shape\":[2,3]}"));
    for (InferRequest r : List.of(flat, nested)) {
      assertEquals("r1", r.id());
      assertEquals(List.of("z"), r.outputs());
      HostTensor x = r.inputs().get(0);
      assertArrayEquals(new long[] {2, 3}, x.shape());
      assertArrayEquals(new double[] {1, 2.5, -3, 400, 5, 6}, (double[]) x.data());
      assertArrayEquals(new float[] {0.5f, 3f}, (float[]) r.inputs().get(1).data());
      // 2^53 + 1 survives: INT64 values are never routed through a double.
      assertArrayEquals(new long[] {9007199254740993L, -4}, (long[]) r.inputs().get(2).data());
      assertArrayEquals(new boolean[] {true, false}, (boolean[]) r.inputs().get(3).data());
    }
  }

  @Test
  void answerEchoesIdKeepsParametersAndWritesTheRequestedOutputs() throws Exception {
    InferRequest r = parse(request(X_FLAT));
    List<HostTensor> outputs =
        List.of(
            new HostTensor("y", DataType.FP64, new long[] {2}, new double[] {1, 2}),
            new HostTensor(
                "z", DataType.FP64, new long[] {2, 2}, new double[] {0.1, 1e-300, -7, 3}));
    JsonNode answer = ProtocolJson.MAPPER.readTree(InferResponseWriter.write("m", "4", r, outputs));
    assertEquals("m", answer.get("model_name").asText());
    assertEquals("4", answer.get("model_version").asText());
    assertEquals("r1", answer.get("id").asText());
    assertEquals("[1,2]", answer.get("parameters").get("p").toString());
    assertEquals(1, answer.get("outputs").size());
    JsonNode z = answer.get("outputs").get(0);
    assertEquals("z", z.get("name").asText());
    assertEquals("FP64", z.get("datatype").asText());
    assertEquals("[2,2]", z.get("shape").toString());
    double[] back = new double[4];
    for (int i = 0; i < 4; i++) {
      back[i] = z.get("data").get(i).doubleValue();
    }
    assertArrayEquals(new double[] {0.1, 1e-300, -7, 3}, back);
  }

  @Test
  void noIdNoParametersNoOutputsMeansEveryOutput() throws Exception {
    String json = request(X_FLAT).replace("\"id\":\"r1\",\"parameters\":{\"p\":[1,2]},", "");
    json = json.replace(",\"outputs\":[{\"name\":\"z\"}]", "");
    InferRequest r = parse(json);
    assertNull(r.id());
    assertNull(r.parameters());
    assertNull(r.outputs());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON | {\"inputs\":[ | malformed JSON",
        "not an object | [1,2] | must be a JSON object",
        "missing inputs | {\"id\":\"a\"} | missing 'inputs'",
        "unknown key | {\"inputz\":[]} | unknown key 'inputz'",
        "missing input | {\"inputs\":[@X@]} | missing input 'f'",
        "unknown input | {\"inputs\":[@X@,{\"name\":\"q\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1]}]} | unknown input 'q'",
        "duplicate input | {\"inputs\":[@X@,@X@]} | input 'x' given twice",
        "wrong datatype | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]} | input 'x': datatype FP32, but m takes FP64",
        "unknown datatype | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP16\",\"data\":[1,2,3,4,5,6]} | unknown datatype 'FP16'",
        "wrong rank | R:{\"name\":\"x\",\"shape\":[6],\"datatype\":\"FP64\",\"data\":[1,2,3,4,5,6]} | has rank 1",
        "wrong width | R:{\"name\":\"x\",\"shape\":[3,2],\"datatype\":\"FP64\",\"data\":[1,2,3,4,5,6]} | does not match [-1, 3] (dimension 1)",
        "rows disagree | R:{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP64\",\"data\":[1,2,3]} | input 'f' has 2 rows, but input 'x' has 1",
        "data too short | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,2,3,4,5]} | shape [2, 3] holds 6 values, but data has 5",
        "nested other shape | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[[1,2],[3,4],[5,6]]} | nested data has shape [3, 2]",
        "ragged | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[[1,2,3],[4,5]]} | ragged",
        "mixed nesting | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[[1,2,3],4,5,6]} | mixes values and arrays",
        "NaN | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,2,3,4,NaN,6]} | input 'x': data[4] is NaN",
        "Infinity literal | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,2,-Infinity,4,5,6]} | input 'x': data[2] is -Infinity",
        "overflow | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,2,3,4,5,1e999]} | input 'x': data[5] is Infinity",
        "string value | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,\"2\",3,4,5,6]} | data[1] is a string",
        "boolean for FP64 | R:{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP64\",\"data\":[1,2,true,4,5,6]} | data[2] is a boolean",
        "missing shape | R:{\"name\":\"x\",\"datatype\":\"FP64\",\"data\":[1,2,3,4,5,6]} | input 'x': missing 'shape'",
        "zero rows | R:{\"name\":\"x\",\"shape\":[0,3],\"datatype\":\"FP64\",\"data\":[]} | dimension 0 must be at least 1",
        "unknown output | {\"inputs\":[@X@,@F@,@K@,@B@],\"outputs\":[{\"name\":\"w\"}]} | unknown output 'w'",
        "duplicate output | {\"inputs\":[@X@,@F@,@K@,@B@],\"outputs\":[{\"name\":\"y\"},{\"name\":\"y\"}]} | output 'y' requested twice",
        "trailing content | {\"inputs\":[@X@,@F@,@K@,@B@]} {} | content after the request object",
      })
  void refusalsNameWhatIsWrong(String label, String body, String message) {
    String f = "{\"name\":\"f\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}";
    String k = "{\"name\":\"k\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[1,2]}";
    String b = "{\"name\":\"b\",\"shape\":[2,1],\"datatype\":\"BOOL\",\"data\":[true,false]}";
    String json =
        body.startsWith("R:")
            ? request(body.substring(2))
            : body.replace("@X@", X_FLAT).replace("@F@", f).replace("@K@", k).replace("@B@", b);
    InferenceException e = assertThrows(InferenceException.class, () -> parse(json), label);
    assertEquals(InferenceException.Reason.INVALID, e.reason(), label);
    assertTrue(e.getMessage().contains(message), label + ": " + e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "FP32 range | f | FP32 | [1,3.5e38] | data[1] = 3.5E38 is beyond FP32's range",
        "INT64 fraction | k | INT64 | [1,2.5] | data[1] is not an integer",
        "INT64 range | k | INT64 | [1,99999999999999999999] | data[1] is beyond INT64's range",
        "BOOL number | b | BOOL | [[1],[0]] | data[0] is a number",
      })
  void valuesOutsideTheDatatypeAreRefusedWithTheirIndex(
      String label, String input, String type, String data, String message) {
    String shape = input.equals("b") ? "[2,1]" : "[2]";
    String replaced =
        "{\"name\":\""
            + input
            + "\",\"shape\":"
            + shape
            + ",\"datatype\":\""
            + type
            + "\",\"data\":"
            + data
            + "}";
    String json = request(X_FLAT);
    int start = json.indexOf("{\"name\":\"" + input + "\"");
    int end = json.indexOf('}', start) + 1;
    String body = json.substring(0, start) + replaced + json.substring(end);
    InferenceException e = assertThrows(InferenceException.class, () -> parse(body), label);
    assertEquals(InferenceException.Reason.INVALID, e.reason());
    assertTrue(e.getMessage().contains("input '" + input + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(message), label + ": " + e.getMessage());
  }
}
