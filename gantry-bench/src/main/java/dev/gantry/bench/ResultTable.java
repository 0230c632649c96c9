package dev.gantry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One workload's results: a row per metric, a column per system. NaN: not measured. */
final class ResultTable {
  record Row(String metric, boolean higherIsBetter, boolean chart, Map<String, Double> values) {}

  final String title;
  final List<String> systems;
  final List<Row> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  ResultTable(String title, List<String> systems) {
    this.title = title;
    this.systems = systems;
  }

  Row row(String metric, boolean higherIsBetter, boolean chart) {
    for (Row r : rows) {
      if (r.metric.equals(metric)) {
        return r;
      }
    }
    Row r = new Row(metric, higherIsBetter, chart, new LinkedHashMap<>());
    rows.add(r);
    return r;
  }

  void put(String metric, boolean higherIsBetter, boolean chart, String system, double value) {
    row(metric, higherIsBetter, chart).values.put(system, value);
  }

  void note(String note) {
    notes.add(note);
  }
}
