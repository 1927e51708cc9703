"""CSV of one figure. A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
return) as a formula, and names come from operators: such text cells get a leading apostrophe."""
import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def figure_csv(figure):
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark lets Excel read the accents right
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(column)) for column in figure.columns])
    for row in figure.rows:
        writer.writerow([neutralise(str(cell)) if not isinstance(cell, (int, float)) else cell for cell in row])
    return out.getvalue()
