"""OFX/QFX statements, 1.x SGML and 2.x XML, read with ofxparse and fenced off from its traps.

What ofxparse 0.21 gets wrong for us, and what this package does instead:

- It decodes by the header alone (2.x XML always as ASCII, 1.x by CHARSET), so GBK text
  raises or turns into mojibake. We detect the encoding from the content
  (`importers.text`) and hand ofxparse UTF-8 behind a synthetic 1.x header (`fence`).
- It converts every date to UTC, moving a 07:30 +8 deposit to the day before. Booking
  dates come from the raw DTPOSTED's local part (`fields`).
- It reads `1,234` as 1.234 and `null` as 0. Amounts are parsed here, strictly (`fields`).
- It builds one BeautifulSoup tree for the whole file (~18 KB per transaction). We scan the
  file as bytes (`scanner`), let ofxparse read the envelope (the file without its STMTTRN
  blocks) once, and then the transactions in chunks, so memory is bounded by the chunk size.
- It ignores BANKACCTTO, REFNUM and PAYEEID; we read them from each block's own text.
- bs4 warns about ofxparse's `findAll`; those warnings are silenced around each call.

Where each field comes from — ofxparse's objects, or our readers of the raw text:

| field | source |
|---|---|
| `Statement.account` | ofxparse `account.account_id` |
| `Statement.currency` | ofxparse `statement.currency`, else `account.curdef` |
| `Statement.closing_balance` | ours: LEDGERBAL's BALAMT (`envelope.ledger_balance`) |
| `Statement.opening_balance` | none: OFX does not give one |
| `Statement.period_start`, `period_end` | ours: DTSTART, DTEND local date |
| `extra` kind, transactions_in_file | ours: the section tag, the scanner's count |
| `extra` bank_id, branch_id, account_type | ofxparse `account`: routing_number, branch_id, … |
| `extra` available_balance, available_cash, security_transactions | ofxparse `statement` |
| `StatementLine.booked_on`, `booked_at` | ours: DTPOSTED local date and time |
| `StatementLine.value_date` | ours: DTAVAIL local date |
| `StatementLine.amount` | ours: TRNAMT, strictly |
| `StatementLine.currency` | ours: CURRENCY's CURSYM, else the statement's |
| `StatementLine.bank_reference` | ofxparse `txn.id` (FITID; unique per statement, checked here) |
| `StatementLine.counterparty_name` | ofxparse `txn.payee` |
| `StatementLine.counterparty_account`, `_bank` | ours: BANKACCTTO/CCACCTTO ACCTID, BANKID |
| `StatementLine.remark` | ofxparse `txn.memo` |
| `StatementLine.raw`, `source_line` | ours: the block's text and first line |
| `extra` type, check_number, sic | ofxparse `txn.type`, `checknum`, `sic` |
| `extra` refnum, payee_id, dtuser | ours: REFNUM, PAYEEID, DTUSER |

Modules: `importer` (OfxImporter), `scanner` (bytes → envelope and STMTTRN blocks),
`envelope` (header, status, statement fields), `fence` (every ofxparse call),
`lines` (a transaction as a StatementLine), `fields` (element, date and amount readers).
"""

from importers.ofx.importer import OfxImporter

__all__ = ["OfxImporter"]
