"""Every call into ofxparse, fenced: its input made safe, its errors made ours.

ofxparse decodes by the header alone, so it is handed UTF-8 text behind a synthetic 1.x
header. Whatever it raises becomes a StatementParseError naming the transaction at fault.
bs4 warns about ofxparse's `findAll`; those warnings are silenced around each call.
"""

from __future__ import annotations

import decimal
import gc
import io
import warnings

from bs4.exceptions import ParserRejectedMarkup
from ofxparse import OfxParser
from ofxparse.ofxparse import OfxParserException

from importers.base import StatementParseError
from importers.ofx.fields import empty_element

#: what ofxparse reads best: a 1.x header saying UTF-8, then our own UTF-8 body
_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\n"
    "CHARSET:NONE\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
#: The envelope around a chunk of STMTTRN blocks. The placeholder elements are never read
#: back; ofxparse looks each of them up, and finding them up front spares it a walk
#: through every transaction per lookup. Only tags that never occur inside a STMTTRN: ofxparse
#: decides per document which tags are closed, so a shared tag could change how blocks nest.
_CHUNK_OPEN = (
    "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><FI><ORG>-</FI>"
    "</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>XXX"
    "<LEDGERBAL><BALAMT>0<DTASOF>20000101</LEDGERBAL><AVAILBAL><BALAMT>0<DTASOF>20000101"
    "</AVAILBAL><BANKTRANLIST><DTSTART>20000101<DTEND>20000101\n"
)
_CHUNK_CLOSE = "\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
_OFXPARSE_ERRORS = (
    OfxParserException,
    ParserRejectedMarkup,  # bs4's html.parser on a mangled marked section such as `<![BDATA[`
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    ArithmeticError,  # decimal.InvalidOperation; OverflowError of a date beyond any year
)


def read_accounts(body: str) -> list:
    """Read the accounts of an envelope (the file without its STMTTRN blocks) with ofxparse."""
    try:
        return _ofxparse(body).accounts
    except _OFXPARSE_ERRORS as error:
        raise _unreadable(error) from error


def _ofxparse(body: str):
    document = (_HEADER + body).encode("utf-8")
    with warnings.catch_warnings():
        # bs4 deprecates ofxparse's findAll; not ours to fix, and harmless
        warnings.filterwarnings("ignore", "Call to deprecated method", DeprecationWarning)
        return OfxParser.parse(io.BytesIO(document), fail_fast=True)


def parse_chunk(texts: list[str], lines: list[int]) -> list:
    """Read a chunk of STMTTRN blocks with ofxparse; one transaction per block, in order."""
    try:
        transactions = _ofxparse(_CHUNK_OPEN + "".join(texts) + _CHUNK_CLOSE)
        transactions = transactions.accounts[0].statement.transactions
    except _OFXPARSE_ERRORS as error:
        raise _locate_error(texts, lines, error) from error
    if len(transactions) != len(texts):
        raise StatementParseError(
            "{package} read {read} of {transactions} transactions",
            line=lines[0],
            package="ofxparse",
            read=len(transactions),
            transactions=len(texts),
        )
    # The chunk's BeautifulSoup tree is a web of parent/child cycles that outlives the
    # young generations; left to the collector's own pace, trees of many chunks pile up.
    gc.collect()
    return transactions


def _locate_error(texts: list[str], lines: list[int], error: Exception) -> StatementParseError:
    """Re-read a failed chunk block by block to name the transaction at fault."""
    for text, line in zip(texts, lines, strict=True):
        try:
            _ofxparse(_CHUNK_OPEN + text + _CHUNK_CLOSE)
        except _OFXPARSE_ERRORS as single:
            return _explain(text, line) or _unreadable(single, line)
    return _unreadable(error, lines[0])


def _explain(text: str, line: int) -> StatementParseError | None:
    for tag in ("TRNTYPE", "DTPOSTED", "TRNAMT", "FITID", "NAME"):
        if empty_element(text, tag) is not None:
            return StatementParseError("{tag} is empty", line=line, tag=tag)
    return None


def _unreadable(error: Exception, line: int | None = None) -> StatementParseError:
    """The refusal of what ofxparse could not read; its own words where it has any."""
    if isinstance(error, IndexError):
        return StatementParseError("a required element is empty", line=line)
    if isinstance(error, decimal.InvalidOperation):
        return StatementParseError("an amount is not a number", line=line)
    message = " ".join(str(error).split())
    if isinstance(error, OfxParserException):
        return StatementParseError("{problem}", line=line, problem=message)
    return StatementParseError(
        "{error_type}: {problem}", line=line, error_type=type(error).__name__, problem=message
    )
