"""Tables in: PX files (:mod:`~pxbridge.ingest.px`, with its tokeniser and DATA reader), JSON-stat 2.0
datasets (:mod:`~pxbridge.ingest.from_jsonstat`) and long CSV with a JSON sidecar
(:mod:`~pxbridge.ingest.from_csv`), each parsed into one :class:`~pxbridge.ingest.px.PxTable`, checked
against the text limits, and stored as rows and a cell file (:mod:`~pxbridge.ingest.storing`)."""

# The importers' refusals and warnings (nb, en), registered before any importer can raise one.
from pxbridge.ingest import messages as messages
