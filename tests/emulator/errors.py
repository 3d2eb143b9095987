"""Descope-shaped API errors and the error codes the emulator uses.

Codes marked UNCERTAIN are the emulator's own choice: no public source shows the real one.
"""

BAD_REQUEST = "E011001"  # unparseable / non-object JSON body
MISSING_ARGUMENT = "E011002"  # required field absent, null or empty
INVALID_ARGUMENT = "E011003"  # present but wrong type or value
UNAUTHORIZED = "E011401"  # UNCERTAIN: wrong / missing management key (status 401)
ROUTE_NOT_FOUND = "E011404"  # UNCERTAIN: unknown path
METHOD_NOT_ALLOWED = "E011405"  # UNCERTAIN: known path, wrong method
TENANT_NOT_FOUND = "E112201"  # UNCERTAIN: unknown tenant id (status 400 or 404, configurable)
TENANT_EXISTS = "E112202"  # UNCERTAIN: duplicate tenant id or name (status 400)
FLOW_NOT_FOUND = "E112301"  # UNCERTAIN: unknown flow id (status 400 or 404, configurable)
LICENSE_REQUIRED = "E112601"  # UNCERTAIN: free project calling a Pro feature (status 403)
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


def missing(field):
    return ApiError(400, MISSING_ARGUMENT, "Missing arguments", "%s is required" % field)


def invalid(message):
    return ApiError(400, INVALID_ARGUMENT, "Request is invalid", message)


def rate_limited(retry_after):
    err = ApiError(429, RATE_LIMITED, "https://docs.descope.com/rate-limit", "API rate limit exceeded.")
    err.headers["Retry-After"] = str(int(retry_after))
    return err
