package io.firmsim.spark;

import org.apache.spark.sql.SparkSession;

/** A Spark session on this machine for tests: loopback only, no web UI. */
public final class LocalSpark {
  private LocalSpark() {}

  /**
   * @param master {@code local[N]}, or {@code local[N,F]} for F attempts per task
   */
  public static SparkSession start(String master, String app) {
    return SparkSession.builder()
        .master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
