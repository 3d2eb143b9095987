# Sourced by scripts/test and scripts/demo: the one shared virtualenv of the checkout.
#
# descope_ensure_venv VENV PYTHON REQUIREMENTS NOTE_FN
#   Creates VENV with PYTHON and installs REQUIREMENTS, or reuses it while a hash of the requirements file
#   plus the Python version is unchanged (stored in VENV/.requirements.sha256). A VENV built by another
#   Python version is recreated; one whose requirements changed is updated in place. NOTE_FN prints progress.
descope_ensure_venv() {
    local venv="$1" python="$2" requirements="$3" note="$4"
    local pyver want have
    if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import sys' >/dev/null 2>&1; then
        echo "error: $python not found; install Python 3.11 or set PYTHON=/path/to/python3.11" >&2
        return 1
    fi
    pyver="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
    want="$( { cat "$requirements"; echo "python $pyver"; } | sha256sum | cut -d' ' -f1)"
    have="$(cat "$venv/.requirements.sha256" 2>/dev/null || true)"
    if [[ -x "$venv/bin/python" && "$want" == "$have" ]]; then
        "$note" "reusing $venv (requirements unchanged)"
        return 0
    fi
    if [[ -x "$venv/bin/python" ]] &&
        [[ "$("$venv/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" == "$pyver" ]]; then
        "$note" "requirements changed: updating $venv"
    else
        "$note" "creating $venv with $python ($pyver); the first run takes about a minute"
        rm -rf "$venv"
        "$python" -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
    echo "$want" >"$venv/.requirements.sha256"
}
