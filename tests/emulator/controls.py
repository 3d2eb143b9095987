"""The ``/_emulator/`` test controls (no auth; the real API has no such prefix)."""

from .errors import ApiError, invalid


def handle(store, method, path, query, body):
    """Return (status, body) for a control request; raises ApiError on bad input."""
    route = (method, path[len("/_emulator") :])
    if route == ("POST", "/reset"):
        store.reset()
        return 200, {}
    if route == ("POST", "/seed"):
        return 200, {"projects": store.apply_seed(body)}
    if route == ("GET", "/requests"):
        since = query.get("since")
        try:
            since = int(since) if since not in (None, "") else None
        except ValueError as exc:
            raise invalid("since must be an integer") from exc
        return 200, {"requests": store.requests(since)}
    if route == ("DELETE", "/requests"):
        store.clear_log()
        return 200, {}
    if route == ("GET", "/config"):
        with store.lock:
            return 200, dict(store.config)
    if route == ("POST", "/config"):
        return 200, store.set_config(body)
    if route == ("GET", "/faults"):
        with store.lock:
            return 200, {"faults": [dict(f) for f in store.faults]}
    if route == ("POST", "/faults"):
        return 200, {"faults": store.add_faults(body)}
    if route == ("DELETE", "/faults"):
        with store.lock:
            store.faults = []
        return 200, {}
    if route == ("GET", "/state"):
        state = store.dump(query.get("project") or None)
        if state is None:
            raise ApiError(404, "E011404", "Project not found", "No project %r in the emulator" % query.get("project"))
        return 200, state
    if route == ("GET", "/health"):
        return 200, {"ok": True}
    raise ApiError(404, "E011404", "Unknown emulator control", "%s %s" % (method, path))
