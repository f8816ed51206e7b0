"""Flask's side of the kernel, shared by every domain's views: the request's database session
(:mod:`~portal.http.db`), clock (:mod:`~portal.http.instant`) and language (:mod:`~portal.http.i18n`);
bilingual routing and pages (:mod:`~portal.http.routing`), forms, login and tokens (:mod:`~portal.http.auth`),
security headers, CSRF and rate limits (:mod:`~portal.http.security`), the edge rule for input
(:mod:`~portal.http.inputs`), allowed hosts, the API edge and OpenAPI document, and the one app-level
error handler (:mod:`~portal.http.errors`). It imports the kernel and no domain."""
