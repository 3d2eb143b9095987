"""Shape comparison of an emulator answer with an SDK sample: the same keys present, the same nesting.

Values may differ. A list is compared through its first item (both must be non-empty). With go_keys, keys match
case-insensitively and a sample key the contract's answer schema does not name is skipped (go-sdk mocks pass
through encoding/json, which ignores keys its types lack).
"""


def _kind(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "object" if isinstance(value, dict) else "array"


def _props(schema):
    if not isinstance(schema, dict):
        return None
    if "anyOf" in schema:
        merged = {}
        for sub in schema["anyOf"]:
            merged.update(_props(sub) or {})
        return merged
    return schema.get("properties")


def _find(answer, key, go_keys):
    if key in answer:
        return key
    if go_keys:
        for name in answer:
            if name.lower() == key.lower():
                return name
    return None


def problems(sample, answer, schema=None, go_keys=False, where=""):
    """Differences in shape, as readable strings ([] when the answer has the sample's shape)."""
    if isinstance(sample, dict):
        if not isinstance(answer, dict):
            return ["%s: an object in the sample, %s in the answer" % (where or "(root)", _kind(answer))]
        out = []
        known = _props(schema)
        for key, value in sample.items():
            sub_schema = None
            if go_keys and known is not None:
                named = [k for k in known if k.lower() == key.lower()]
                if not named:
                    continue
                sub_schema = known[named[0]]
            elif known is not None:
                sub_schema = known.get(key)
            name = _find(answer, key, go_keys)
            if name is None:
                out.append("%s.%s: missing (the sample has it)" % (where, key))
                continue
            out += problems(value, answer[name], sub_schema, go_keys, "%s.%s" % (where, key))
        return out
    if isinstance(sample, list):
        if not isinstance(answer, list):
            return ["%s: an array in the sample, %s in the answer" % (where, _kind(answer))]
        if not sample:
            return []
        if not answer:
            return ["%s: empty in the answer, so its items cannot be compared" % where]
        items = schema.get("items") if isinstance(schema, dict) else None
        return problems(sample[0], answer[0], items, go_keys, where + "[0]")
    if _kind(answer) in ("object", "array"):  # a scalar's value and type may differ, its nesting may not
        return ["%s: %s in the sample, %s in the answer" % (where, _kind(sample), _kind(answer))]
    return []


def text(value):
    """A prose field of the JSON data files: a string, or a list of lines kept short."""
    return " ".join(value) if isinstance(value, list) else value
