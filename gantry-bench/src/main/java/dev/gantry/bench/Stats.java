package dev.gantry.bench;

import java.util.List;

/** Summaries of a few repeated measurements. NaN values (not measured) are ignored. */
final class Stats {
  private Stats() {}

  /** The middle value; for an even count, the mean of the two middle ones. NaN if none. */
  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).min().orElse(Double.NaN);
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
  }
}
