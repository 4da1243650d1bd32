# Vetted's edge: Varnish in front of the app servers (docs/edge-cache.md).
#
# The other half of cms/pagecache/edge.py's contract:
#   - the app marks what a shared cache may keep (Cache-Control: public, s-maxage=N) and names
#     what each page shows in the xkey header; everything else is private, and passes here;
#   - the app purges with "PURGE /" and an "xkey-purge: key key..." header (VarnishPurge).
# Needs Varnish 7 and the xkey module (Debian: varnish, varnish-modules).
# `make serve-edge` runs this file as it is; the launcher (cms/pagecache/serve_edge.py) only rewrites
# the part between BEGIN and END backends for the ports it chose.

vcl 4.1;

import std;
import directors;
import xkey;

# BEGIN backends
# The app servers, asked for /healthz every second: one that fails 2 of the last 3 probes gets no
# requests until it answers again.
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
}
backend app1 { .host = "127.0.0.1"; .port = "8001"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 35s; }
backend app2 { .host = "127.0.0.1"; .port = "8002"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 35s; }

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}
# END backends

# Who may purge: the app servers (add their addresses when they run on other machines).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app.backend();

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys in an xkey-purge header"));
        }
        # A hard purge: the objects go at once (no grace), so an unpublished article is a 404 on
        # the very next request.
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    # Writes, the admin, staff pages and previews always go to the app.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|staff|preview)/" || req.http.Authorization) {
        return (pass);
    }
    # Signed-in staff (a session cookie) see pages as they are, uncached (the app answers no-store).
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Readers' other cookies (a CSRF token, analytics) do not change a public page: drop them, so
    # every reader shares one copy (the app's pages say Vary: Cookie).
    unset req.http.Cookie;

    # Grace: while an app server is healthy, a page past its lifetime is fetched again at once
    # (2 s at most of a stale copy, so a scheduled article goes live on time). When no app server
    # is healthy, readers get the last copy for up to 6 hours rather than an error.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 2s;
    }
    return (hash);
}

sub vcl_backend_response {
    # A page a background refresh failed to fetch: keep serving the copy we have.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # Store only what the app marked for shared caches; Varnish takes s-maxage as the lifetime.
    # The rest (private, no-store, a cookie, no s-maxage: errors, redirects, staff pages) passes,
    # remembered as "not cacheable" for a minute so those requests go straight to the app.
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Cache-Control ~ "(private|no-store)"
        || beresp.http.Set-Cookie || beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }
    set beresp.grace = 6h;
    return (deliver);
}

sub vcl_backend_error {
    # An app server went away mid-request (killed, restarted): try the other one once. Only reads
    # are retried; writes pass straight through and are never sent twice.
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    # Say whether the edge answered (hit) or asked an app server (miss); keep the keys to ourselves.
    if (obj.hits > 0) {
        set resp.http.X-Edge = "hit";
    } else {
        set resp.http.X-Edge = "miss";
    }
    unset resp.http.xkey;
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.x-purged = req.http.x-purged;
        set resp.http.Content-Type = "text/plain";
        set resp.body = "Purged " + req.http.x-purged + " object(s)" + {"
"};
        return (deliver);
    }
}
