"""The bridge to producers' existing PxWebApi 2.0 installations: the remote source's interface
(:mod:`~pxbridge.remotes.interfaces`), registering, mirroring and asking a remote
(:mod:`~pxbridge.remotes.bridge`), one HTTP exchange within one deadline
(:mod:`~pxbridge.remotes.exchange`) and admission by a cap and a circuit breaker
(:mod:`~pxbridge.remotes.guard`)."""
