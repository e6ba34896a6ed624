"""`quizzer schema`: the JSON Schema of bank files, for editors' YAML language servers."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Write to a file instead of stdout.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of a bank file (banks reference docs/bank.schema.json)."""
    import json

    from quizzer.core.bank_schema import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
