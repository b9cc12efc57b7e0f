"""The data each benchmark size runs on: the repository's files plus N synthetic authorities.

Everything is written once per size into a work folder: the synthetic file, one N-Triples file
of the whole dataset (for validators that take files), one of a single authority, and the
concatenated shapes.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dutygraph import paths
from dutygraph.datasets import DataFile, repository_files
from dutygraph.namespaces import FRAMEWORK_GRAPH, ONTOLOGY_GRAPH
from tools import synth

SEED = 2013
DEFECT_RATE = 0.05
_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
            ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD}


def ox_format(path: Path) -> ox.RdfFormat:
    return _FORMATS[path.suffix.lower()]


@dataclass
class SizeData:
    n: int
    folder: Path
    synth_file: Path
    synth_s: float
    synth_triples: int
    defects: dict[str, dict[str, str]]
    repo_files: list[DataFile]
    union_nt: Path
    one_nt: Path
    one_slug: str
    total_triples: int
    authorities: list[str] = field(default_factory=list)
    subset_nt: Path | None = None
    subset_slugs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        counts = dict.fromkeys(synth.DEFECT_KINDS, 0)
        for kinds in self.defects.values():
            for kind in kinds:
                counts[kind] += 1
        return {"n": self.n, "synth_s": round(self.synth_s, 3),
                "synth_triples": self.synth_triples, "total_triples": self.total_triples,
                "repo_files": len(self.repo_files), "defects_by_kind": counts,
                "authorities_with_defects": len(self.defects), "one_authority": self.one_slug,
                "subset_authorities": self.subset_slugs}


def shapes_file(folder: Path) -> Path | None:
    """All shapes files of the repository as one Turtle file (prefixes may repeat)."""
    files = sorted(paths.shapes_dir().glob("*.ttl")) if paths.shapes_dir().is_dir() else []
    if not files:
        return None
    out = folder / "shapes.ttl"
    with out.open("w", encoding="utf-8") as fh:
        for f in files:
            fh.write(f"# --- {f.name}\n")
            fh.write(f.read_text(encoding="utf-8"))
            fh.write("\n")
    return out


def _dump(files: list[DataFile], extra: list[Path], out: Path) -> int:
    """Write the union of the files (and the N-Triples files in extra) as one N-Triples file."""
    count = 0
    with out.open("wb") as fh:
        for df in files:
            triples = list(ox.parse(path=str(df.path), format=ox_format(df.path)))
            fh.write(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            count += len(triples)
        for path in extra:
            with path.open("rb") as src:
                for line in src:
                    fh.write(line)
                    count += 1
    return count


def prepare(n: int, work: Path, seed: int = SEED, rate: float = DEFECT_RATE,
            subset: int = 0) -> SizeData:
    """Write the synthetic file and the validators' files for N authorities into work/nN:
    the whole data, one authority, and (subset > 0) the first `subset` authorities, a part
    small enough for pyshacl to finish on, so that its findings can be compared with
    dutygraph's on more than one authority at every size."""
    folder = work / f"n{n}"
    folder.mkdir(parents=True, exist_ok=True)
    synth_file = folder / f"synth-{n}.nt"
    t0 = time.perf_counter()
    summary = synth.write(synth_file, n, seed=seed, defect_rate=rate)
    synth_s = time.perf_counter() - t0
    files = repository_files()
    union = folder / "union.nt"
    total = _dump(files, [synth_file], union)
    # One authority for single-authority figures: one with defects, so validators have work.
    one = next((slug for slug in sorted(summary.defects)), synth.slug_for(1))
    one_file = folder / f"{one}.nt"
    authority = synth.build_authority(int(one.split("-")[1]), seed, summary.defects.get(one, {}))
    with one_file.open("w", encoding="utf-8") as fh:
        synth.write_ntriples([authority], fh)
    core = [df for df in files if df.graph in (ONTOLOGY_GRAPH, FRAMEWORK_GRAPH)]
    _dump(core, [one_file], folder / "one.nt")
    subset_slugs = [synth.slug_for(i) for i in range(1, min(subset, n) + 1)]
    subset_nt = None
    if subset_slugs:
        part = folder / "subset-authorities.nt"
        with part.open("w", encoding="utf-8") as fh:
            synth.write_ntriples([synth.build_authority(int(slug.split("-")[1]), seed,
                                                        summary.defects.get(slug, {}))
                                  for slug in subset_slugs], fh)
        subset_nt = folder / "subset.nt"
        _dump(core, [part], subset_nt)
    (folder / "defects.json").write_text(json.dumps(summary.defects, indent=1, sort_keys=True))
    return SizeData(n=n, folder=folder, synth_file=synth_file, synth_s=synth_s,
                    synth_triples=summary.triples, defects=summary.defects, repo_files=files,
                    union_nt=union, one_nt=folder / "one.nt", one_slug=one, total_triples=total,
                    authorities=[synth.slug_for(i) for i in range(1, n + 1)],
                    subset_nt=subset_nt, subset_slugs=subset_slugs)
