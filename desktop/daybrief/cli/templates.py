"""``daybrief templates list`` and ``daybrief rules list``."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from daybrief.cli.common import EXIT_OK, add_data_dir, existing_store, json_lines


def register(commands: Any) -> None:
    for noun, run, summary in (
        ("templates", _cmd_templates, "your checklist templates"),
        ("rules", _cmd_rules, "the rules that apply templates to meetings"),
    ):
        group = commands.add_parser(noun, help=summary, description=summary)
        verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True)
        listing = verbs.add_parser("list", help=f"list {summary} (read-only)")
        listing.set_defaults(run=run)
        listing.add_argument("--json", action="store_true", help="JSON lines")
        add_data_dir(listing)


def _cmd_templates(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.rules import Rule, Template, templates_and_rules

    store = existing_store(args)
    templates: list[Template] = []
    rules: list[Rule] = []
    if store is not None:
        with store:
            templates, rules = templates_and_rules(store)
    if args.json:
        json_lines(
            out,
            (
                {
                    "id": t.id,
                    "name": t.name,
                    "items": [
                        {"text": i.text, "required": i.required, "file_pattern": i.file_pattern}
                        for i in t.items
                    ],
                    "rules": [r.id for r in rules if r.template_id == t.id],
                }
                for t in templates
            ),
        )
        return EXIT_OK
    if not templates:
        print("No templates yet: the starter ones come with your first import.", file=out)
    for template in templates:
        print(template.name, file=out)
        for item in template.items:
            kind = "required" if item.required else "optional"
            where = f"  [{item.file_pattern}]" if item.file_pattern else ""
            print(f"  - {item.text} ({kind}){where}", file=out)
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from daybrief.services.rules import rule_target, templates_and_rules

    store = existing_store(args)
    if store is None:
        rows: list[dict[str, Any]] = []
    else:
        with store:
            templates, rules = templates_and_rules(store)
            names = {t.id: t.name for t in templates}
            rows = [
                {
                    "id": r.id,
                    "kind": r.kind.value,
                    "value": r.value,
                    "target": rule_target(store, r),
                    "template_id": r.template_id,
                    "template": names.get(r.template_id, ""),
                    "enabled": r.enabled,
                }
                for r in rules
            ]
    if args.json:
        json_lines(out, rows)
        return EXIT_OK
    if not rows:
        print("No rules yet: the starter ones come with your first import.", file=out)
    described = {
        "title_keyword": "title has",
        "client": "client is",
        "external_attendees": "has external attendees",
        "recurring_series": "recurring series",
    }
    for row in rows:
        what = described.get(row["kind"], row["kind"])
        target = f" {row['target']}" if row["target"] else ""
        off = "  (off)" if not row["enabled"] else ""
        print(f"{row['id']:>3}  {what}{target} → {row['template']}{off}", file=out)
    return EXIT_OK
