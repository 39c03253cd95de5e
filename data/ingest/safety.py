"""Safety before parsing: size cap, extension vs magic bytes, encrypted packages, zip
bombs (declared sizes and a running count while streaming, since a header can lie) and
XML DTD/entity declarations (billion laughs, XXE), refused outright."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from data.ingest.report import Reporter, Text

SUPPORTED_EXTENSIONS = ("xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv")
# Codes that mean the file itself could not be read safely (CLI exit code 2).
FILE_LEVEL_CODES = frozenset({
    "FILE_NOT_FOUND", "FILE_TOO_LARGE", "ZIP_BOMB", "XML_ENTITY", "PASSWORD_PROTECTED",
    "WRONG_TYPE", "UNSUPPORTED_TYPE", "UNREADABLE", "CSV_ENCODING", "TOO_MANY_CELLS",
    "CSV_FIELD_TOO_LONG",
})  # fmt: skip
_EXPECTED_KIND = {
    "xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "ods": "ods", "csv": "csv", "txt": "csv",
    "tsv": "csv",
}  # fmt: skip
_KNOWN_KINDS = ("csv", "xlsx", "ods", "xls", "zip", "ole", "pdf", "binary")
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps applied before any parsing. Defaults suit a DTI workbook with headroom."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_members: int = 2000
    # Cell caps, measured from the stream before any reader builds a sheet's grid: a DTI
    # table has about 70 rows and 25 columns; a sheet that reaches further is refused.
    max_rows: int = 5000
    max_cols: int = 300


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the name says."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return "ole"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text with its byte-order mark (Excel's "Unicode Text")
    head = data[:8192]
    if b"\x00" in head:
        return "binary"
    return "csv"


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mt = zf.read("mimetype")[:100]
                if mt.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx"
    except zipfile.BadZipFile:
        return "binary"
    return "zip"


def check_file(data: bytes, file_name: str, limits: Limits, rep: Reporter) -> str:
    """Size, extension and content type; the kind of file (xlsx | xls | ods | csv)."""
    if len(data) > limits.max_file_bytes:
        raise rep.fail(
            "FILE_TOO_LARGE",
            size=round(len(data) / _MB, 1),
            cap=round(limits.max_file_bytes / _MB, 1),
        )
    ext = Path(file_name).suffix.lower().lstrip(".")
    if ext not in SUPPORTED_EXTENSIONS:
        raise rep.fail("UNSUPPORTED_TYPE", ext=ext or "?")
    kind = sniff(data)
    if kind == "encrypted":
        raise rep.fail("PASSWORD_PROTECTED")
    if kind != _EXPECTED_KIND[ext]:
        actual = kind if kind in _KNOWN_KINDS else "binary"
        raise rep.fail("WRONG_TYPE", ext=ext, actual=Text(f"ingest.kind.{actual}"))
    return kind


def check_zip(data: bytes, limits: Limits, rep: Reporter) -> set[str]:
    """Refuse zip bombs and XML DTDs; return the worksheet members that hold formulas."""
    try:
        return _scan_zip(data, limits, rep)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise rep.fail("UNREADABLE", detail=f"{type(exc).__name__}: {exc}"[:200]) from None


def _scan_zip(data: bytes, limits: Limits, rep: Reporter) -> set[str]:
    cap_mb = round(limits.max_unzipped_bytes / _MB, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_bytes or len(infos) > limits.max_zip_members:
            raise rep.fail("ZIP_BOMB", cap=cap_mb, size=round(declared / _MB, 1))
        with_formulas: set[str] = set()
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            tail = b""
            # Stream with a running count: the declared sizes can lie.
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 16):
                    total += len(chunk)
                    if total > limits.max_unzipped_bytes:
                        raise rep.fail("ZIP_BOMB", cap=cap_mb, size=f"> {cap_mb}")
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise rep.fail("XML_ENTITY", member=info.filename)
                    if b"<f>" in window or b"<f " in window:
                        with_formulas.add(info.filename)
                    tail = chunk[-16:]
    return with_formulas
