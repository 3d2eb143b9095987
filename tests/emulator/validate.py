"""Field checks shared by the handlers; each raises a Descope-shaped 400."""

from .errors import invalid, missing


def required_str(body, key):
    value = body.get(key)
    if value is None or value == "":
        raise missing(key)
    if not isinstance(value, str):
        raise invalid("%s must be a string" % key)
    return value


def opt_str(body, key, default=""):
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid("%s must be a string" % key)
    return value


def opt_bool(body, key, default=False):
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid("%s must be a boolean" % key)
    return value


def opt_int(body, key, default=0):
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid("%s must be a non-negative integer" % key)
    return value


def opt_str_list(body, key):
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid("%s must be a list of strings" % key)
    return list(value)


def opt_dict(body, key):
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("%s must be an object" % key)
    return dict(value)


def one_of(value, key, allowed):
    if value not in allowed:
        raise invalid("%s must be one of %s, got %r" % (key, ", ".join(repr(a) for a in allowed), value))
    return value
