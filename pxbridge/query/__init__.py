"""Answers cut from tables: selections as PxWebApi 2.0 reads them (:mod:`~pxbridge.query.selection`),
the :class:`~pxbridge.query.cube.Cube` every output format receives, built from the stored cells
(:mod:`~pxbridge.query.extract`), and the service the APIs and pages call to get one, from the cell
store or a table's remote (:mod:`~pxbridge.query.cubes`). Never imports Flask."""
