vcl 4.1;

# Varnish in front of the portal (docs/operations.md, "Caches in front of the portal"). The portal says
# how long each answer may be kept (Cache-Control) and Varnish's built-in rules follow it: public answers
# are kept for their max-age, at most until the next release minute, and served stale for at most
# stale-while-revalidate (5 s) while Varnish fetches the new one; "no-cache", "private" and "no-store"
# answers and any answer that sets a cookie are never kept. tests/functional/test_cache_proxy.py runs
# this file in front of a portal across a release minute.

backend portal {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
}

sub vcl_recv {
    # Only the portal's own session cookie makes an answer personal; other cookies (a site's analytics)
    # would split the cache for nothing. A request with the session cookie, or with Authorization,
    # goes to the portal uncached (Varnish's built-in vcl_recv, which runs after this).
    if (req.http.Cookie !~ "(^|;\s*)portal_session=") {
        unset req.http.Cookie;
    }
}

sub vcl_backend_response {
    # Past max-age and grace, keep the copy a minute more for a conditional fetch only: the portal's
    # 304 (its ETag still matches) refreshes it without sending the body again. A kept copy is never
    # served without that check.
    set beresp.keep = 1m;
}

sub vcl_deliver {
    # The RateLimit fields describe the counter of the client whose request filled the cache.
    if (obj.hits > 0) {
        unset resp.http.RateLimit-Limit;
        unset resp.http.RateLimit-Remaining;
        unset resp.http.RateLimit-Reset;
        unset resp.http.RateLimit-Policy;
    }
}
