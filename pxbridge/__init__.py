"""The PxAPI bridge (pillar 4): tables, PX ingest, PxWebApi 2.0 and the classic PxWeb API, and the bridge
to producers' existing PxWeb installations (issue 6)."""
