package io.raftvip.cli.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * A text table: a header row and data rows, columns padded to their widest cell, two spaces apart.
 */
final class Table {

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    this.columns = header.length;
    rows.add(header.clone());
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, the table " + columns + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table, one line per row, each line ending in a newline; no trailing spaces. */
  String render() {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(r[c]);
        if (c < columns - 1) {
          line.append(" ".repeat(width[c] - r[c].length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
