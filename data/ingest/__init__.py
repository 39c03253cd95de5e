"""Spreadsheet/CSV bytes -> tidy DTI values + every problem, located (sheet, cell).

``parse(data, file_name)`` never writes anything. It accepts .xlsx/.xlsm (macros are never
run: the file is only read), .xls, .ods and .csv (UTF-8 with or without BOM; comma or
semicolon), in the layouts actually used: the dti.gov.vn "Xếp hạng chi tiết" table (rank,
province, the main indices, PDTI) and the 2020-style pillar tables (value and rank per
pillar under merged group headers), with title rows above, footer rows below, notes
sheets before the data sheet, columns in any order and rank columns present or absent.

Steps, each adding located problems rather than raising:

1. safety: size cap; magic bytes vs extension; encrypted (password) packages; zip
   archives whose members' uncompressed sizes exceed a cap (counted before parsing and
   again while streaming, since a header can lie); XML DTD/entity declarations
   (billion laughs, XXE) are refused outright, and defusedxml stays installed for openpyxl.
2. read: python-calamine for every workbook (fast, cached values only); openpyxl in
   read-only mode only when a worksheet holds formulas, to find formulas without a
   cached value (calamine reads them as empty).
3. table: the first sheet with a column of known province names; the header block is
   the text rows directly above it (merged cells filled in), matched through the alias
   table ``data/files/header_aliases.csv`` (alias, code, kind = value|rank|label|ignore)
   after the province-name normalisation (NFC/NFD, case, diacritics, punctuation) minus a
   leading "Chỉ số". Rank words ("Xếp hạng", "Rank") and value words ("Giá trị", "Điểm")
   in a header turn any indicator alias into its rank/value column. Headers the table
   does not know are resolved by a user mapping ``{"header text": "code"}`` (code may be
   ``<indicator>``, ``<indicator>:rank``, ``province`` or ``ignore``); mappings are
   saved in the store after a successful import (data.mappings_store) and passed back
   in for later files by app.imports (``saved_mappings``): this package reads no store.
4. values: numbers or numeric text (decimal comma allowed); scale 0–1, 0–100 or points
   of 1000 (each indicator's points) detected with certainty, else refused until a scale
   is given; edition year from the option, the title rows, the sheet name or the file
   name; unit set (63/34) from the provinces found.
5. checks: missing/extra/duplicate/unknown provinces, non-numeric and out-of-range
   values, totals and pillars against the recomputed ones (metrics.scoring, 0.0001),
   rank columns against competition ranks of the 4-decimal scores.

Every message is a (Vietnamese, English) pair saying what, where and how to fix it, from
the one translation table i18n/strings.csv (keys ``ingest.<code>``).

The package, by job: safety (caps, sniffing, zip guards), read (workbooks/CSV -> Sheet),
table (header vocabulary and location), checks (year, provinces, values, scale, totals,
ranks), report (Problem and the per-sheet Reporter), result (IngestResult), parse (the
stages in order), mappings (header/province mappings: validation, SavedMappings), importing (schema, diff,
import into the store) and template (the blank workbook). Everything other modules use
is importable from ``data.ingest``.
"""

from data.ingest.checks import SCALES, TOLERANCE, recompute
from data.ingest.importing import (
    ImportOutcome,
    check_schema,
    diff_current,
    import_result,
    import_results,
)
from data.ingest.mappings import (
    SavedMappings,
    normalise_mapping,
    normalise_province_mapping,
    parse_mapping_target,
)
from data.ingest.parse import parse
from data.ingest.read import Sheet
from data.ingest.report import IngestError, Problem, Reporter, cell_ref, col_letter, problem
from data.ingest.result import VALUE_COLUMNS, IngestResult
from data.ingest.safety import FILE_LEVEL_CODES, SUPPORTED_EXTENSIONS, Limits
from data.ingest.table import (
    Column,
    Table,
    classify_header,
    header_aliases,
    header_key,
    to_number,
)
from data.ingest.template import make_template
from data.provinces import name_of

__all__ = [
    "FILE_LEVEL_CODES",
    "SCALES",
    "SUPPORTED_EXTENSIONS",
    "TOLERANCE",
    "VALUE_COLUMNS",
    "Column",
    "ImportOutcome",
    "IngestError",
    "IngestResult",
    "Limits",
    "Problem",
    "Reporter",
    "SavedMappings",
    "Sheet",
    "Table",
    "cell_ref",
    "check_schema",
    "classify_header",
    "col_letter",
    "diff_current",
    "header_aliases",
    "header_key",
    "import_result",
    "import_results",
    "make_template",
    "name_of",
    "normalise_mapping",
    "normalise_province_mapping",
    "parse",
    "parse_mapping_target",
    "problem",
    "recompute",
    "to_number",
]
