"""Chinese online-banking and payment-app exports: CSV/TSV text, XLSX, XLS, HTML tables.

The layout comes from a profile (config/csv_profiles/*.toml): named, or detected from the
header row, or the built-in aliases of `auto`. The header row is found by scoring known
header names in the first rows; metadata above it gives the account, summary lines after
the data end it. A row that cannot be read rejects the whole file, naming line and field.

Balances: opening = first row's balance − its amount, closing = last row's balance, in
date order; a file sorted newest-first is read the other way round, one that is in no
date order gets no balances (`extra["balance_unavailable"]` says why), as does one whose
balance column holds no numbers (anonymised exports). Opening, closing and the period are
set once the lines are exhausted.

Running balance: in a file in date order, every row's balance must be the previous row's
balance plus the row's amount (previous in time: the next row of a newest-first file). A
break means a missing or altered line and rejects the file, naming the line, once the lines
are exhausted (only then is the order known). Rows all of one day take the order their
balances follow. A profile whose balance column means something else turns the check off
(`check_running_balance = false`).

A file without a header row is read by a profile of `positions` (field → column numbers),
named or recognised by what its columns hold. A layout known to be no bank statement (a
profile with `refuse`: a bookkeeping app's export, a balance history) and text laid out in
fixed-width columns (a PDF statement turned into text) are refused, saying what they are.

Modules: `importer` (TabularImporter: container and encoding), `sources` (rows out of
CSV/TSV text, HTML, XLSX, XLS), `header` (which row is the header), `profiles` (layouts as
data), `reader` (rows → Statement), `rows` (one row → StatementLine), `cells` (cell values),
`metadata` (account and period above the header), `balances` (opening, closing, order and
the running-balance check).
"""

from importers.tabular.importer import TabularImporter

__all__ = ["TabularImporter"]
