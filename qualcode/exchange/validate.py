"""Checking a .qdpx or .qdc against the REFI-QDA 1.0 schemas that travel in the package.

The XSDs (Project-mrt2019.xsd, Codebook-mrt2019.xsd; MIT, REFI) are in `schemas/`, so
validation needs no network and nothing beside the installation. A file is parsed the way
an import parses it (no DTD, no entities, no network; zips checked) before it is validated.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from ..errors import QualcodeError
from .refi import open_archive, parse_xml, project_xml

SCHEMA_NAME = "REFI-QDA 1.0 schema"
SCHEMA_FILES = {"Project": "Project-mrt2019.xsd", "CodeBook": "Codebook-mrt2019.xsd"}


@cache
def refi_schema(root: str):
    """The compiled schema whose root element is `root` ("Project" or "CodeBook")."""
    from lxml import etree

    data = (files(__package__) / "schemas" / SCHEMA_FILES[root]).read_bytes()
    return etree.XMLSchema(parse_xml(data, SCHEMA_FILES[root]))


def schema_problems(path: Path) -> list[str]:
    """What keeps a .qdpx (or .zip) or .qdc from validating, one line each; [] when it is valid."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".qdpx", ".zip", ".qdc"):
        raise QualcodeError(f"only .qdpx and .qdc files have a {SCHEMA_NAME}", path)
    root = "CodeBook" if suffix == ".qdc" else "Project"
    if root == "Project":
        with open_archive(path) as archive:  # a missing file or a non-zip is an error, not a problem
            try:
                element = project_xml(archive, path)
            except QualcodeError as exc:  # no .qde, not well-formed, a DTD
                return [exc.message]
    else:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise QualcodeError("file not found", path) from None
        try:
            element = parse_xml(data, path.name)
        except QualcodeError as exc:
            return [exc.message]
    schema = refi_schema(root)
    if schema.validate(element):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def check_against_schema(path: Path) -> str:
    """A line saying `path` is valid; a one-line QualcodeError naming the first problem when not."""
    problems = schema_problems(path)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise QualcodeError(f"not valid against the {SCHEMA_NAME}: {problems[0]}{more}", path)
    return f"valid against {SCHEMA_NAME}"
