"""Validates JSON files against a JSON Schema (any draft the schema names), with formats checked.

    python validate.py SCHEMA FILE...

Prints one line per problem (file: path: message) and exits 1 if there was any.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator = jsonschema.validators.validator_for(schema)(
    schema, format_checker=jsonschema.FormatChecker()
)
problems = 0
for name in sys.argv[2:]:
    document = json.load(open(name, encoding="utf-8"))
    for error in validator.iter_errors(document):
        problems += 1
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{name}: {where}: {error.message}")
sys.exit(1 if problems else 0)
