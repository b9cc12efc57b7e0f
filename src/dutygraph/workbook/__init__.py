"""Arrangements kept in spreadsheets: the template, its import into Turtle and its export.

One table layout (spec.SHEETS) drives all three, so what export writes, import reads and the
round trip can promise are the same list of columns. What the template does not carry (claims,
evidence, reports, absences, complete lists, assurance tests, alternative labels, objectives)
stays in Turtle: see spec.CARRIED and the README.
"""
