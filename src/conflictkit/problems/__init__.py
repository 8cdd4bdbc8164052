"""Problems: the catalogue of every problem type, the report shape, and building its rows.

- `catalogue`: each problem type declared once (code, title, stage, scope, severity, template,
  description, which later problems it makes redundant);
- `report`: `Report`, the columnar problem table every door returns;
- `rows`: `problem_rows` (vectorised, from a mask) and `problem_row` (one dict);
- `echoes`: `drop_echoes`, applying the catalogue's redundancy declarations;
- `render`: text, JSON, GitHub annotations and the step summary of a report.

Import the catalogue as ``from conflictkit.problems import catalogue as P`` and pass ``P.TYPE``.
"""
