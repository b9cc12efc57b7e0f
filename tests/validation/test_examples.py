"""The example reports committed in docs/examples do not drift silently, and shapes/README.md
explains every finding in them."""

from __future__ import annotations

import json
import re

from dutygraph import paths
from dutygraph.validation.examples import EXAMPLES, examples_dir, render_examples


def test_regenerating_the_example_reports_gives_the_committed_files() -> None:
    rendered = render_examples()
    assert len(rendered) == 2 * len(EXAMPLES)
    for name, text in rendered.items():
        committed = examples_dir() / name
        assert committed.is_file(), (
            f"{name} is missing: run python -m dutygraph.validation.examples")
        assert committed.read_text(encoding="utf-8") == text, (
            f"{name} differs from what the data now give: review the change, then run "
            "python -m dutygraph.validation.examples")


def test_the_shapes_readme_explains_every_finding_of_every_example() -> None:
    readme = (paths.shapes_dir() / "README.md").read_text(encoding="utf-8")
    for slug, day in EXAMPLES:
        heading = f"### {slug.capitalize()}, as of {day.isoformat()}"
        assert heading in readme, heading
        section = readme.split(heading, 1)[1].split("\n### ", 1)[0]
        example = examples_dir() / f"validation-{slug}-{day.isoformat()}.json"
        data = json.loads(example.read_text(encoding="utf-8"))
        for shape in {r["shape"].rsplit("/", 1)[-1] for r in data["results"]}:
            assert re.search(rf"`{re.escape(shape)}`", section), (
                f"the README section for {slug} on {day} does not explain {shape}")
