"""ISO 20022 bank-to-customer statements (CAMT.053, and 052/054), streamed with lxml.

Security: the parser never loads a DTD, resolves entities or touches the network, and a
document that carries any DOCTYPE is refused at its first event, before any content is
used; input beyond `max_bytes` is refused while reading.

Sign: an entry's amount is signed by its own `CdtDbtInd` (DBIT negative): that is its
effect on the balance, so opening + lines = closing holds. `RvslInd` true does not flip
that sign. ISO 20022 defines a reversal as carrying the direction opposite to the entry
it cancels (a DBIT reversal takes back an earlier credit), so the CdtDbtInd already gives
the money's direction. The line is marked `extra["reversal"] = True` so matching can treat
a returned credit as a correction and not as a payout.

Batches: an entry with several `TxDtls` becomes one line per detail only when every
detail states an amount in the entry's currency and the details add up to the entry. In
every other case it stays one line for the entry, because the account was booked with
the entry amount. `extra["batch_not_split"]` then gives the reason.

Raw: a line's `raw` is the XML of its Ntry (of its TxDtls when a batch is split), in
characters as written (张三, not &#24352;&#19977;), without the blank text between tags,
cut at 4,000 characters. Reading the entries is in `entries`.

Modules: `importer` (CamtImporter), `document` (the guarded lxml event stream),
`records` (a Stmt/Rpt/Ntfctn: header, then entries), `entries` (an Ntry as lines).
"""

from importers.camt.importer import CamtImporter

__all__ = ["CamtImporter"]
