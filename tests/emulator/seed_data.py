"""The built-in start state: a Pro project with realistic flows and a theme, and a free one."""

import copy

DEFAULT_PROJECT_ID = "P2EmulatorDefaultProject0001"
DEFAULT_MANAGEMENT_KEY = "K2EmulatorDefaultManagementKey0001"
FREE_PROJECT_ID = "P2EmulatorFreeProject0000001"
FREE_MANAGEMENT_KEY = "K2EmulatorFreeManagementKey0001"
COMPONENTS_VERSION = "1.98.0"

_WELCOME_SCREEN = {
    "screenId": "SC2welcomeScreen0000000000001",
    "interactions": [{"id": "submit-email", "type": "button", "label": "Continue", "icon": ""}],
    "contents": {
        "version": 1,
        "root": {
            "type": "container",
            "children": [
                {"type": "text", "value": "Welcome"},
                {"type": "input", "name": "email", "inputType": "email", "required": True},
                {"type": "button", "id": "submit-email", "label": "Continue"},
            ],
        },
    },
}
_OTP_SCREEN = {
    "screenId": "SC2verifyOtpScreen00000000001",
    "interactions": [{"id": "submit-code", "type": "button", "label": "Verify", "icon": ""}],
    "contents": {
        "version": 1,
        "root": {
            "type": "container",
            "children": [
                {"type": "text", "value": "Enter the code we sent"},
                {"type": "input", "name": "code", "inputType": "otp", "required": True},
                {"type": "button", "id": "submit-code", "label": "Verify"},
            ],
        },
    },
}

SIGN_UP_OR_IN = {
    "flowId": "sign-up-or-in",
    "metadata": {"name": "Sign Up or In", "description": "Sign up or sign in with an email one-time code", "componentsVersion": COMPONENTS_VERSION},
    "contents": {
        "startTask": "1",
        "tasks": {
            "1": {"id": "1", "type": "screen", "screenId": _WELCOME_SCREEN["screenId"], "next": {"submit-email": "2"}},
            "2": {"id": "2", "type": "action", "action": "otp.signUpOrIn.email", "next": {"success": "3"}},
            "3": {"id": "3", "type": "screen", "screenId": _OTP_SCREEN["screenId"], "next": {"submit-code": "4"}},
            "4": {"id": "4", "type": "action", "action": "otp.verify.email", "next": {"success": "5"}},
            "5": {"id": "5", "type": "end"},
        },
    },
    "screens": [_WELCOME_SCREEN, _OTP_SCREEN],
    "references": {"connectors": {}, "roles": {}, "userAttributes": [], "tenantAttributes": []},
}

SIGN_IN = {
    "flowId": "sign-in",
    "metadata": {"name": "Sign In", "description": "Sign in with an email one-time code", "componentsVersion": COMPONENTS_VERSION},
    "contents": {
        "startTask": "1",
        "tasks": {
            "1": {"id": "1", "type": "screen", "screenId": _WELCOME_SCREEN["screenId"], "next": {"submit-email": "2"}},
            "2": {"id": "2", "type": "action", "action": "otp.signIn.email", "next": {"success": "3"}},
            "3": {"id": "3", "type": "end"},
        },
    },
    "screens": [_WELCOME_SCREEN],
    "references": {},
}

THEME = {
    "componentsVersion": COMPONENTS_VERSION,
    "references": {},
    "styles": {
        "light": {"globals": {"fontFamily": "Roboto"}, "components": {"button": {"backgroundColor": "#006af5", "borderRadius": "8px"}}},
        "dark": {"globals": {"fontFamily": "Roboto"}, "components": {"button": {"backgroundColor": "#3d8bff", "borderRadius": "8px"}}},
    },
}

# 1x1 transparent PNG, base64; makes snapshot exports carry an asset like the real ones.
LOGO_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


# Tenant custom attribute definitions (types: string, number, boolean, singleselect, multiselect, date).
CUSTOM_ATTRIBUTES = [
    {"id": "plan", "name": "Plan", "type": "singleselect", "options": ["free", "starter", "pro", "enterprise"]},
    {"id": "tier", "name": "Tier", "type": "string"},
    {"id": "region", "name": "Region", "type": "string"},
    {"id": "seats", "name": "Seats", "type": "number"},
    {"id": "beta", "name": "Beta", "type": "boolean"},
    {"id": "features", "name": "Features", "type": "multiselect", "options": ["audit", "scim", "sso"]},
    {"id": "renewal", "name": "Renewal", "type": "date"},
    {"id": "note", "name": "Note", "type": "string"},
]
# What a new Descope project starts with: the "Tenant Admin" role and its system permissions.
# Plus three generic project roles the tests use as tenant default roles.
PERMISSIONS = [
    {"name": "User Admin", "description": "Manage users", "systemDefault": True},
    {"name": "SSO Admin", "description": "Manage SSO configuration", "systemDefault": True},
    {"name": "Impersonate", "description": "Impersonate users", "systemDefault": True},
    {"name": "read", "description": "Read data"},
    {"name": "write", "description": "Change data"},
]
ROLES = [
    {"name": "Tenant Admin", "description": "Administers a tenant", "permissionNames": ["User Admin", "SSO Admin", "Impersonate"]},
    {"name": "admin", "description": "Full access", "permissionNames": ["read", "write"]},
    {"name": "editor", "description": "Edits data", "permissionNames": ["read", "write"]},
    {"name": "viewer", "description": "Reads data", "permissionNames": ["read"]},
]


def default_projects(project_id=DEFAULT_PROJECT_ID, management_key=DEFAULT_MANAGEMENT_KEY):
    return [
        {
            "id": project_id,
            "managementKey": management_key,
            "name": "Emulator Default Project",
            "license": "pro",
            "tenants": [],
            "customAttributes": copy.deepcopy(CUSTOM_ATTRIBUTES),
            "permissions": copy.deepcopy(PERMISSIONS),
            "roles": copy.deepcopy(ROLES),
            "flows": [copy.deepcopy(SIGN_UP_OR_IN), copy.deepcopy(SIGN_IN)],
            "theme": copy.deepcopy(THEME),
            "connectors": [
                {
                    "id": "CN2httpConnector000000000001",
                    "name": "Audit webhook",
                    "type": "http",
                    "configuration": {"baseUrl": "https://hooks.example.invalid"},
                    "secret": "seeded-secret",
                }
            ],
            "assets": {"logo.png": LOGO_PNG},
        },
        {
            "id": FREE_PROJECT_ID,
            "managementKey": FREE_MANAGEMENT_KEY,
            "name": "Emulator Free Project",
            "license": "free",
            "tenants": [],
            "permissions": copy.deepcopy(PERMISSIONS),
            "roles": copy.deepcopy(ROLES),
            "flows": [copy.deepcopy(SIGN_IN)],
            "theme": copy.deepcopy(THEME),
        },
    ]
