"""The tables' APIs: PxWebApi 2.0 under ``/api/pxwebapi/v2`` (:mod:`~pxbridge.api.pxwebapi`), the classic
PxWeb API under ``/api/v0`` (:mod:`~pxbridge.api.classic`), both keeping their upstream shapes, and the
producers' upload API under ``/api/v1/tables`` (:mod:`~pxbridge.api.upload`)."""
