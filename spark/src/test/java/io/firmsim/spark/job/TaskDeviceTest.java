package io.firmsim.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.firmsim.spark.LocalSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A task picks its GPU from the resources the cluster manager assigned it ({@code
 * spark.task.resource.gpu.amount}, {@link TaskContext#resources()}): the first address, a device
 * index; a task without GPUs has none (-1) and runs on the run's device.
 */
class TaskDeviceTest {
  @Test
  void theFirstAssignedGpuIsTheTasks() {
    assertEquals(
        3,
        RangeTask.gpuIndex(Map.of("gpu", new ResourceInformation("gpu", new String[] {"3", "5"}))));
    assertEquals(
        -1,
        RangeTask.gpuIndex(Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))));
    assertEquals(
        -1, RangeTask.gpuIndex(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
    assertThrows(
        IllegalStateException.class,
        () ->
            RangeTask.gpuIndex(
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"GPU-5d3c"}))));
  }

  @Test
  void tasksOfALocalRunHaveNoGpu() {
    SparkSession plain = LocalSpark.start("local[2]", "firmsim-cpu-test");
    try {
      List<Integer> gpus =
          JavaSparkContext.fromSparkContext(plain.sparkContext())
              .parallelize(List.of(1, 2), 2)
              .map(x -> RangeTask.gpuIndex(TaskContext.get()))
              .collect();
      assertEquals(List.of(-1, -1), gpus);
    } finally {
      plain.stop();
    }
  }
}
