"""What REFI-QDA files share: safe XML parsing, names by local part, GUIDs, safe zips.

Files from other tools are untrusted input: no entity expansion, no network, no DTD
loading; zips are checked for path traversal, member count and unpacked size.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

from ..errors import QualcodeError
from ..inputs import InputZip, check_zip

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def parse_xml(data: bytes, where: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise QualcodeError(f"not well-formed XML: {exc}", where) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise QualcodeError("XML with a DTD is refused (entity expansion)", where)
    return root


def local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    return [c for c in element if local(c) == name]


def child(element, name: str):
    for c in element:
        if local(c) == name:
            return c
    return None


def guid(value: str | None, where: str) -> str:
    """A GUID as we store it: lower case, no braces; a clear error when it is not one."""
    try:
        return str(uuid.UUID((value or "").strip().strip("{}")))
    except ValueError:
        raise QualcodeError(f"bad GUID '{value}'", where) from None


def refi_guid(uid: str) -> str:
    return uid.upper()


def open_archive(path: Path) -> zipfile.ZipFile:
    """Open a .qdpx, refusing what is not a regular file and archives that could escape,
    explode or exhaust (see `check_zip`)."""
    try:
        archive = InputZip(path)
    except (zipfile.BadZipFile, OSError):
        raise QualcodeError("not a valid .qdpx (not a zip archive)", path) from None
    try:
        check_zip(archive, path)
    except QualcodeError:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """Read a member without trusting its declared size."""
    with archive.open(info) as f:
        data = f.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise QualcodeError(f"archive member '{info.filename}' is larger than it declares", path)
    return data


def project_xml(archive: zipfile.ZipFile, path: Path):
    """The .qde (of any name) at the root of a .qdpx, parsed."""
    qde = [i for i in archive.infolist() if i.filename.lower().endswith(".qde") and "/" not in i.filename.strip("/")]
    if not qde:
        raise QualcodeError("no project.qde in the archive", path)
    return parse_xml(read_member(archive, qde[0], path), f"{path.name}:{qde[0].filename}")
