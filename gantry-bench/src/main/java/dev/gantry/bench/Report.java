package dev.gantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the results as Markdown tables and one SVG bar chart (hand-written SVG, no library). */
final class Report {
  private static final String GANTRY = "gantry";
  private static final String CEILING = "raw-sql";

  private Report() {}

  static String markdown(List<ResultTable> tables, String header) {
    StringBuilder md = new StringBuilder(header);
    for (ResultTable t : tables) {
      md.append("\n### ").append(t.title).append("\n\n");
      List<String> peers = t.systems.stream().filter(s -> !s.equals(GANTRY)).toList();
      boolean hasGantry = t.systems.contains(GANTRY);
      md.append("| metric |");
      t.systems.forEach(s -> md.append(' ').append(s).append(" |"));
      if (hasGantry) {
        peers.forEach(p -> md.append(" gantry / ").append(p).append(" |"));
      }
      md.append("\n|---|");
      t.systems.forEach(s -> md.append("---:|"));
      if (hasGantry) {
        peers.forEach(p -> md.append("---:|"));
      }
      md.append('\n');
      for (ResultTable.Row r : t.rows) {
        md.append("| ").append(r.metric()).append(" |");
        for (String s : t.systems) {
          md.append(' ').append(number(r.values().get(s))).append(" |");
        }
        if (hasGantry) {
          for (String p : peers) {
            md.append(' ').append(ratio(r.values().get(GANTRY), r.values().get(p), p.equals(CEILING))).append(" |");
          }
        }
        md.append('\n');
      }
      for (String note : t.notes) {
        md.append("\n").append(note).append('\n');
      }
    }
    return md.toString();
  }

  static String number(Double v) {
    if (v == null || v.isNaN()) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String ratio(Double gantry, Double peer, boolean asPercent) {
    if (gantry == null || peer == null || gantry.isNaN() || peer.isNaN() || peer == 0) {
      return "–";
    }
    double r = gantry / peer;
    if (asPercent) {
      return String.format(Locale.ROOT, "%.0f %%", 100 * r);
    }
    return r >= 0.1 ? String.format(Locale.ROOT, "%.2f×", r) : String.format(Locale.ROOT, "%.4f×", r);
  }

  /** Panels of horizontal bars, one per charted row; each panel has its own linear scale. */
  static String svg(List<ResultTable> tables, String title) {
    record Panel(String title, Map<String, Double> values) {}
    List<Panel> panels = new ArrayList<>();
    List<String> systems = new ArrayList<>();
    for (ResultTable t : tables) {
      for (ResultTable.Row r : t.rows) {
        if (r.chart()) {
          String shortTitle = t.title.contains(":") ? t.title.substring(0, t.title.indexOf(':')) : t.title;
          panels.add(new Panel(shortTitle + " — " + r.metric() + (r.higherIsBetter() ? " (higher is better)"
              : " (lower is better)"), r.values()));
          r.values().keySet().stream().filter(s -> !systems.contains(s)).forEach(systems::add);
        }
      }
    }
    String[] colours = {"#2b6cb0", "#718096", "#dd6b20", "#38a169", "#805ad5"};
    int width = 900;
    int barH = 16;
    int labelW = 130;
    int plotW = width - labelW - 120;
    int y = 40;
    StringBuilder body = new StringBuilder();
    for (Panel p : panels) {
      body.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" class=\"h\">%s</text>%n", y, escape(p.title)));
      y += 8;
      double max = p.values.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max()
          .orElse(1);
      for (String s : systems) {
        Double v = p.values.get(s);
        if (v == null) {
          continue;
        }
        int w = v.isNaN() || max <= 0 ? 0 : (int) Math.max(1, Math.round(plotW * v / max));
        String colour = colours[systems.indexOf(s) % colours.length];
        body.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"l\">%s</text>", labelW - 6,
            y + barH - 4, escape(s)));
        body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
            labelW, y, w, barH, colour));
        body.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"v\">%s</text>%n", labelW + w + 6,
            y + barH - 4, escape(number(v))));
        y += barH + 4;
      }
      y += 22;
    }
    return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n"
        + "<style>.t{font-size:16px;font-weight:bold}.h{font-size:13px;font-weight:bold}"
        + ".l{font-size:12px;text-anchor:end}.v{font-size:12px}</style>%n"
        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
        + "<text x=\"10\" y=\"22\" class=\"t\">%s</text>%n%s</svg>%n", width, y, width, y, escape(title), body);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, content);
  }
}
