"""Table cells: one float64 array per table revision with PX data symbols in NaN payloads
(:mod:`~pxbridge.store.cells`), kept as ``.npy`` files in the instance folder
(:mod:`~pxbridge.store.cell_store`), and ``portal tables check`` of those files against the rows that
name them (:mod:`~pxbridge.store.check`)."""
