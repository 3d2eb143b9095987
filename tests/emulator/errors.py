"""Descope-shaped API errors and the error codes the emulator uses.

Codes marked UNCERTAIN are the emulator's own choice: no public source shows the real one.
"""

BAD_REQUEST = "E011001"  # unparseable / non-object JSON body
MISSING_ARGUMENT = "E011002"  # required field absent, null or empty
INVALID_ARGUMENT = "E011003"  # present but wrong type or value
UNAUTHORIZED = "E011401"  # UNCERTAIN: wrong / missing management key (status 401)
ROUTE_NOT_FOUND = "E011404"  # UNCERTAIN: unknown path
METHOD_NOT_ALLOWED = "E011405"  # UNCERTAIN: known path, wrong method
TENANT_NOT_FOUND = "E112201"  # UNCERTAIN: unknown tenant id (status 404 default, or 400; configurable)
TENANT_EXISTS = "E112202"  # UNCERTAIN: duplicate tenant id or name (status 400)
FLOW_NOT_FOUND = "E112301"  # UNCERTAIN: unknown flow id (status 404 default, or 400; configurable)
ROLE_NOT_FOUND = "E112401"  # UNCERTAIN: unknown role or permission to update/delete (status as notFoundStatus)
ROLE_EXISTS = "E112402"  # UNCERTAIN: duplicate role (per tenant scope) or permission name (status 400)
SSO_NOT_FOUND = "E112501"  # UNCERTAIN: unknown SSO configuration id (status as notFoundStatus)
LICENSE_REQUIRED = "E112601"  # UNCERTAIN: free project calling a Pro feature (status 403; configurable)
UNKNOWN_FIELD = "E011004"  # UNCERTAIN: strict mode, a request field the OpenAPI schema does not define
RATE_LIMITED = "E130429"
INJECTED_FAULT = "E000000"  # scripted status faults (the code carries the status, e.g. E000503)
INTERNAL = "E000500"


class ApiError(Exception):
    """An error answer: HTTP status plus the three Descope error fields."""

    def __init__(self, status, code, description, message=""):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.message = message or description
        self.headers = {}

    def body(self):
        return {"errorCode": self.code, "errorDescription": self.description, "errorMessage": self.message}


def not_found(config, code, kind, ident):
    """The not-found answer in the configured style.

    404 (default) follows the only live evidence: the Ruby SDK's integration tests get 404 + E112102 for a
    missing user. The 400 style deliberately avoids the words "not found", "does not exist" and "unknown",
    so a client that recognises absence by wording fails its tests.
    """
    if config.get("notFoundStatus", 404) == 404:
        return ApiError(404, code, "%s not found" % kind, "%s %r not found" % (kind, ident))
    return ApiError(400, code, "Request is invalid", "Failed to load %s %r" % (kind.lower(), ident))


def licence_refusal(config):
    """The refusal of a Pro feature on a free project; status and code come from config (unpublished)."""
    spec = config.get("licenseRefusal") or {}
    return ApiError(
        spec.get("status", 403),
        spec.get("code", LICENSE_REQUIRED),
        spec.get("description", "Project license does not allow this operation"),
        spec.get("message", "This operation requires a Pro license or above"),
    )


def missing(field):
    return ApiError(400, MISSING_ARGUMENT, "Missing arguments", "%s is required" % field)


def invalid(message):
    return ApiError(400, INVALID_ARGUMENT, "Request is invalid", message)


def rate_limited(retry_after):
    err = ApiError(429, RATE_LIMITED, "https://docs.descope.com/rate-limit", "API rate limit exceeded.")
    err.headers["Retry-After"] = str(int(retry_after))
    return err
