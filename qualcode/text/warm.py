"""Loads the spaCy pipelines when imported.

Only text/parallel.py's forkserver imports this module: the pipelines are loaded once, in the
server, and every worker forked from it starts with them (instead of each loading them, about
1.5 s of CPU apiece, on a machine with a core or two to give)."""

from . import lemmas, nlp

for _lang in ("sv", "zh"):
    nlp.pipeline(_lang)
lemmas.table("sv")  # memory-mapped (built once per machine): the workers share its pages
