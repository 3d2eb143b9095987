"""The emulator's whole state behind one lock: projects, behaviour config, request log, faults."""

import copy
import json
import secrets
import string
import threading

from . import assignments, attributes, faults, flows, roles, seed_data, settings, sso, tenants
from .errors import invalid

DEFAULT_CONFIG = {
    "notFoundStatus": 404,
    "wrapLoadTenant": False,
    "rateLimit": None,
    "rateLimitUnlicensed": None,
    "strict": False,
    "settingsOmitted": "keep",
    # what a tenant delete does to sub-tenants (no public source, tenants.py): "cascade", "detach", "delete", "refuse"
    "tenantDeleteChildren": "cascade",
    "tenantAnswersSuccessors": True,  # whether tenant answers carry successors (OAS Tenant has it; the SDKs never read it)
    "settingsEnabledKey": "enabled",  # the session switch's key in settings answers (settings.py)
    "licenseRefusal": {"status": 403, "code": "E112601"},
    "oidcSecretOnOmit": "keep",  # an OIDC configure without clientSecret: "keep" or "clear" the stored one (sso.py)
    "ssoAnswersUsePkce": True,  # whether SSO load answers carry oidc.usePkce (sso.py)
    "ssoDefaultInAll": "empty",  # the default connection in sso/settings/all: ssoId "", a "generated" id, or "omitted"
    # role/search without tenantIds: "all" roles or "project" roles only (roles.py)
    "roleSearchWithoutTenants": "all",
    "nameCase": "sensitive",  # role and permission names: "sensitive" or "insensitive" lookups and uniqueness
}


def new_project(spec):
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str) or not spec["id"].startswith("P"):
        raise invalid("a seeded project needs an id starting with 'P'")
    key = spec.get("managementKey") or "K" + spec["id"][1:]
    license_ = spec.get("license", "pro")
    if license_ not in project_licenses():
        raise invalid("license must be one of %s" % ", ".join(project_licenses()))
    project = {
        "id": spec["id"],
        "managementKey": key,
        "name": spec.get("name") or spec["id"],
        "license": license_,
        "tags": list(spec.get("tags") or []),
        "tenants": {},
        "flows": {},
        "theme": None,
        "connectors": {},
        "assets": dict(spec.get("assets") or {}),
        "attributeDefinitions": attributes.definitions_from_seed(spec.get("customAttributes")),
        "roles": {},
        "permissions": {},
        "sso": {},  # tenant id -> {sso id ("" = default) -> configuration}
        "adminLinks": [],
        "users": {},  # login id -> {loginId, roleNames, userTenants} (assignments.py)
        "accessKeys": {},
    }
    for raw in spec.get("tenants") or []:
        tenant = tenants.from_seed(raw)
        project["tenants"][tenant["id"]] = tenant
    roles.seed_into(project, spec.get("permissions"), spec.get("roles"))
    assignments.seed_into(project, spec.get("users"), spec.get("accessKeys"))
    settings.seed_into(project, spec.get("passwordSettings"))
    sso.seed_into(project, spec.get("sso"))
    for tenant in project["tenants"].values():
        parent = project["tenants"].get(tenant["parent"])
        if parent is not None:
            parent["successors"].append(tenant["id"])
    raw_flows = spec.get("flows") or []
    if isinstance(raw_flows, dict):
        raw_flows = [dict(flow, flowId=flow_id) for flow_id, flow in raw_flows.items()]
    for flow in raw_flows:
        flows.store_flow(project, flows.normalise_v2(flow, flow.get("flowId") or ""))
    if spec.get("theme") is not None:
        flows.store_theme(project, flows.normalise_theme(spec["theme"]))
    for conn in spec.get("connectors") or []:
        project["connectors"][conn["id"]] = {
            "name": conn.get("name", ""),
            "type": conn.get("type", "http"),
            "configuration": copy.deepcopy(conn.get("configuration") or {}),
            "secret": conn.get("secret", ""),
        }
    return project


def _bucket(key, limit):
    if limit is None:
        return None
    try:
        return faults.TokenBucket(limit.get("capacity", 100), limit.get("refillPerSecond", 100 / 60.0))
    except (AttributeError, TypeError, ValueError) as exc:
        raise invalid("%s: %s" % (key, exc)) from exc


def _licence_refusal(spec):
    if not isinstance(spec, dict):
        raise invalid("licenseRefusal must be an object {status, code, description?, message?}")
    status = spec.get("status", 403)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 499:
        raise invalid("licenseRefusal.status must be a 4xx integer")
    out = {"status": status, "code": spec.get("code", "E112601")}
    for key in ("code", "description", "message"):
        if key in spec and not isinstance(spec[key], str):
            raise invalid("licenseRefusal.%s must be a string" % key)
        if key in spec:
            out[key] = spec[key]
    return out


def project_licenses():
    return ("free", "pro", "growth", "enterprise")


class Store:
    """Everything mutable. Every access goes through ``lock`` (one lock keeps it simple and safe)."""

    def __init__(self, project_id=None, management_key=None, seed=None, strict=False):
        self.lock = threading.RLock()
        self.default_project_id = project_id or seed_data.DEFAULT_PROJECT_ID
        self.default_key = management_key or seed_data.DEFAULT_MANAGEMENT_KEY
        self.start_seed = copy.deepcopy(seed)
        self.projects = {}
        self.config = {}
        self.log = []
        self.seq = 0
        # bumped by reset and by clearing the log: a request still in flight from before (a delayed one a
        # client gave up on) must not land in the next test's log when it finally completes
        self.log_epoch = 0
        self.faults = []
        self.in_flight = 0  # API requests being handled now (the log's in_flight key)
        self.bucket = None
        self.unlicensed_bucket = None  # requests without x-descope-license, when configured
        self.start_strict = bool(strict)  # launcher flag --strict: survives reset
        self.reset()

    def reset(self):
        with self.lock:
            self.projects = {}
            self.apply_seed({"projects": seed_data.default_projects(self.default_project_id, self.default_key)})
            if self.start_seed:
                self.apply_seed(self.start_seed)
            self.config = copy.deepcopy(DEFAULT_CONFIG)
            self.config["strict"] = self.start_strict
            self.clear_log()
            self.faults = []
            self.bucket = None
            self.unlicensed_bucket = None

    def apply_seed(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("projects"), list):
            raise invalid('seed body must be {"projects": [...]}')
        built = [new_project(spec) for spec in body["projects"]]
        with self.lock:
            for project in built:
                self.projects[project["id"]] = project
        return [p["id"] for p in built]

    def set_config(self, body):
        if not isinstance(body, dict):
            raise invalid("config body must be an object")
        with self.lock:
            if "notFoundStatus" in body:
                if body["notFoundStatus"] not in (400, 404):
                    raise invalid("notFoundStatus must be 400 or 404")
                self.config["notFoundStatus"] = body["notFoundStatus"]
            if "wrapLoadTenant" in body:
                self.config["wrapLoadTenant"] = bool(body["wrapLoadTenant"])
            if "settingsOmitted" in body:
                if body["settingsOmitted"] not in settings.OMITTED:
                    raise invalid("settingsOmitted must be one of %s" % ", ".join(settings.OMITTED))
                self.config["settingsOmitted"] = body["settingsOmitted"]
            if "tenantDeleteChildren" in body:
                if body["tenantDeleteChildren"] not in tenants.DELETE_CHILDREN:
                    raise invalid("tenantDeleteChildren must be one of %s" % ", ".join(tenants.DELETE_CHILDREN))
                self.config["tenantDeleteChildren"] = body["tenantDeleteChildren"]
            if "settingsEnabledKey" in body:
                if body["settingsEnabledKey"] not in settings.ENABLED_KEYS:
                    raise invalid("settingsEnabledKey must be one of %s" % ", ".join(settings.ENABLED_KEYS))
                self.config["settingsEnabledKey"] = body["settingsEnabledKey"]
            if "tenantAnswersSuccessors" in body:
                if not isinstance(body["tenantAnswersSuccessors"], bool):
                    raise invalid("tenantAnswersSuccessors must be true or false")
                self.config["tenantAnswersSuccessors"] = body["tenantAnswersSuccessors"]
            if "strict" in body:
                if not isinstance(body["strict"], bool):
                    raise invalid("strict must be true or false")
                self.config["strict"] = body["strict"]
            if "oidcSecretOnOmit" in body:
                if body["oidcSecretOnOmit"] not in ("keep", "clear"):
                    raise invalid("oidcSecretOnOmit must be keep or clear")
                self.config["oidcSecretOnOmit"] = body["oidcSecretOnOmit"]
            if "ssoDefaultInAll" in body:
                if body["ssoDefaultInAll"] not in ("empty", "generated", "omitted"):
                    raise invalid("ssoDefaultInAll must be empty, generated or omitted")
                self.config["ssoDefaultInAll"] = body["ssoDefaultInAll"]
            if "nameCase" in body:
                if body["nameCase"] not in ("sensitive", "insensitive"):
                    raise invalid("nameCase must be sensitive or insensitive")
                self.config["nameCase"] = body["nameCase"]
            if "roleSearchWithoutTenants" in body:
                if body["roleSearchWithoutTenants"] not in ("all", "project"):
                    raise invalid("roleSearchWithoutTenants must be all or project")
                self.config["roleSearchWithoutTenants"] = body["roleSearchWithoutTenants"]
            if "ssoAnswersUsePkce" in body:
                if not isinstance(body["ssoAnswersUsePkce"], bool):
                    raise invalid("ssoAnswersUsePkce must be true or false")
                self.config["ssoAnswersUsePkce"] = body["ssoAnswersUsePkce"]
            if "licenseRefusal" in body:
                self.config["licenseRefusal"] = _licence_refusal(body["licenseRefusal"])
            if "rateLimit" in body:
                self.bucket = _bucket("rateLimit", body["rateLimit"])
                self.config["rateLimit"] = copy.deepcopy(body["rateLimit"])
            if "rateLimitUnlicensed" in body:
                self.unlicensed_bucket = _bucket("rateLimitUnlicensed", body["rateLimitUnlicensed"])
                self.config["rateLimitUnlicensed"] = copy.deepcopy(body["rateLimitUnlicensed"])
            return copy.deepcopy(self.config)

    def bucket_for(self, licensed):
        """The bucket a request draws from: the unlicensed one (if set) when x-descope-license is absent."""
        if not licensed and self.unlicensed_bucket is not None:
            return self.unlicensed_bucket
        return self.bucket

    def add_faults(self, body):
        specs = body.get("faults") if isinstance(body, dict) else None
        if not isinstance(specs, list):
            raise invalid('faults body must be {"faults": [...]}')
        try:
            checked = [faults.check_fault(spec) for spec in specs]
        except (TypeError, ValueError) as exc:
            raise invalid(str(exc)) from exc
        with self.lock:
            self.faults.extend(checked)
            return copy.deepcopy(self.faults)

    def clear_log(self):
        with self.lock:
            self.log = []
            self.log_epoch += 1

    def record(self, entry, epoch=None):
        with self.lock:
            if epoch is not None and epoch != self.log_epoch:
                return
            self.seq += 1
            entry["seq"] = self.seq
            self.log.append(entry)

    def enter(self):
        with self.lock:
            self.in_flight += 1
            return self.in_flight

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def requests(self, since=None):
        with self.lock:
            return [dict(e) for e in self.log if since is None or e["seq"] > since]

    def project_by_key(self, project_id, key):
        project = self.projects.get(project_id)
        if project is None or not secrets.compare_digest(project["managementKey"], key):
            return None
        return project

    def clone_project(self, source, name, environment, tags):
        alphabet = string.ascii_letters + string.digits
        new_id = "P2" + "".join(secrets.choice(alphabet) for _i in range(26))
        clone = copy.deepcopy(source)
        clone.update({"id": new_id, "name": name, "tenants": {}, "tags": list(tags), "environment": environment})
        # tenant-scoped roles go with the tenants a clone does not copy
        clone["roles"] = {rid: r for rid, r in clone["roles"].items() if not r["tenantId"]}
        clone["sso"], clone["adminLinks"] = {}, []
        clone["users"], clone["accessKeys"] = {}, {}  # a clone copies configuration, not users
        clone["passwordSettings"] = {"": clone["passwordSettings"][""]}
        self.projects[new_id] = clone
        return clone

    def dump(self, project_id=None):
        with self.lock:
            project = self.projects.get(project_id or self.default_project_id)
            if project is None:
                return None
            out = {
                "id": project["id"],
                "name": project["name"],
                "license": project["license"],
                "tags": list(project["tags"]),
                "tenants": [tenants.render(t) for t in project["tenants"].values()],
                "tenantSettings": {t["id"]: copy.deepcopy(t["_settings"]) for t in project["tenants"].values()},
                "flows": {fid: copy.deepcopy(r["flow"]) for fid, r in project["flows"].items()},
                "flowVersions": {fid: r["version"] for fid, r in project["flows"].items()},
                "theme": copy.deepcopy(project["theme"]["theme"]) if project["theme"] else None,
                "themeVersion": project["theme"]["version"] if project["theme"] else 0,
                "connectors": {cid: {k: v for k, v in c.items() if k != "secret"} for cid, c in project["connectors"].items()},
                "customAttributes": attributes.dump(project),
                "permissions": sorted((copy.deepcopy(p) for p in project["permissions"].values()), key=lambda p: p["name"]),
                "roles": sorted((copy.deepcopy(r) for r in project["roles"].values()), key=lambda r: (r["tenantId"], r["name"])),
                "passwordSettings": copy.deepcopy(project["passwordSettings"]),
                "sso": sso.dump(project),
                "adminLinks": copy.deepcopy(project["adminLinks"]),
                **assignments.dump(project),
            }
            return json.loads(json.dumps(out))
