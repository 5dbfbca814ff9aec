"""The hand-off rules of each published version, extracted once when it is
published (see signals.py), so that the matrix is one query however many
documents there are: its page never parses a document."""

from __future__ import annotations

from docs_registry.handoff_blocks import handoff_rules

WORDING = ("direction", "when", "do", "say", "to", "within")


def rule_rows(body: str, number: int, earlier: dict[tuple, int]) -> list[dict]:
    """The fields of each rule of a version's body. `earlier` maps the wording of
    the previous version's rules to the number each has read so since: a rule
    worded exactly the same keeps it."""
    rows = []
    for position, parsed in enumerate(handoff_rules(body), 1):
        fields = {key: getattr(parsed, key) for key in WORDING}
        wording = tuple(fields.values())
        rows.append(
            fields
            | {
                "position": position,
                "line": parsed.line,
                "since_number": earlier.get(wording, number),
            }
        )
    return rows


def rules_record(version, rule_model=None) -> list:
    """Store the rules of a newly published version (`rule_model`: the model to
    write, for a migration's historical one)."""
    if rule_model is None:
        from .models import HandoffRule as rule_model
    earlier = {
        tuple(getattr(rule, key) for key in WORDING): rule.since_number
        for rule in rule_model.objects.filter(
            version__document_id=version.document_id,
            version__number=version.number - 1,
        )
    }
    rows = rule_rows(version.body, version.number, earlier)
    return rule_model.objects.bulk_create(
        [rule_model(version=version, **row) for row in rows]
    )
