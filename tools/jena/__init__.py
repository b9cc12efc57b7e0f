"""Apache Jena (Debian's libapache-jena-java, Jena 4.5) as an independent oracle: the parity
tests (tests/jena) and the benchmark's SHACL comparison (tools/bench) run it through this module.

Why Jena: it is the engine behind Fuseki, written apart from Oxigraph, rdflib and Virtuoso, so
an answer all of them agree on is unlikely to be one engine's quirk.

What it takes to run it here, found the hard way:
- the classpath is the jars of libapache-jena-java and of the packages it depends on (not
  /usr/share/java/*, which carries several slf4j bindings and makes the JVM refuse), minus
  every slf4j binding or bridge that would loop, plus slf4j-nop to keep Jena quiet;
- Debian's build relocated xerces' classes to the package `xerces.*` but left their message
  .properties under org/apache/jena/ext/xerces/, so ARQ stops at its first typed literal with
  "internal error" (XSSimpleTypeDecl.applyFacets1 cannot load its messages). A small jar with
  those resources copied to xerces/** mends it; it is built once per test session.
- the JVM start costs about a second, so the queries run in one JVM (QueryRunner.java, compiled
  at test time against the same classpath).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from dutygraph.store import Store

PACKAGE = "libapache-jena-java"
HERE = Path(__file__).resolve().parent
RUNNER_SOURCE = HERE / "QueryRunner.java"
# slf4j bindings and bridges that clash with slf4j-nop or with one another.
_EXCLUDED = re.compile(r"^(slf4j-(log4j12|jcl|jdk14|simple|migrator|reload4j)|log4j-over-slf4j|"
                       r"maven3?-slf4j-provider)")
_VERSIONED = re.compile(r"-\d[\w.]*\.jar$")
_XERCES_PREFIX = "org/apache/jena/ext/xerces/"
TIMEOUT = 600


class JenaUnavailable(RuntimeError):
    """Jena (or a JDK) is not installed: `make system` installs it."""


def _run(args: Sequence[str], what: str, timeout: int = TIMEOUT) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def _package_jars(package: str) -> list[str]:
    listed = _run(["dpkg", "-L", package], f"dpkg -L {package}")
    return [line for line in listed.splitlines()
            if line.startswith("/usr/share/java/") and line.endswith(".jar")
            and "/" not in line[len("/usr/share/java/"):]
            and not _VERSIONED.search(line)
            and not _EXCLUDED.match(Path(line).name)]


def classpath_jars() -> list[str]:
    """Jena's jars and those of the packages it depends on, with one slf4j binding (nop)."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        raise JenaUnavailable("no java/javac on PATH (install default-jdk-headless)")
    if subprocess.run(["dpkg", "-s", PACKAGE], capture_output=True).returncode != 0:
        raise JenaUnavailable(f"{PACKAGE} is not installed (make system installs it)")
    depends = _run(["apt-cache", "depends", "--installed", PACKAGE], "apt-cache depends")
    packages = [PACKAGE] + [line.split(":", 1)[1].strip() for line in depends.splitlines()
                            if line.strip().startswith("Depends:")]
    jars: list[str] = []
    for package in dict.fromkeys(packages):
        jars += [j for j in _package_jars(package) if j not in jars]
    nop = Path("/usr/share/java/slf4j-nop.jar")
    if not nop.exists():
        raise JenaUnavailable("slf4j-nop.jar is missing (package libslf4j-java)")
    return [*jars, str(nop)]


def xerces_fix_jar(folder: Path) -> Path:
    """A jar holding jena-core's xerces message resources where the relocated classes look."""
    target = folder / "jena-xerces-resources.jar"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as core, \
            zipfile.ZipFile(target, "w") as out:
        for name in core.namelist():
            if name.startswith(_XERCES_PREFIX) and name.endswith(".properties"):
                out.writestr("xerces/" + name[len(_XERCES_PREFIX):], core.read(name))
    return target


@dataclass
class Jena:
    """A working Jena installation: the classpath, and a folder for its work files."""

    classpath: str
    work: Path

    @classmethod
    def prepare(cls, work: Path, *, runner: bool = True) -> Jena:
        """Jena's classpath with the xerces fix; with the query runner compiled unless
        `runner` is False (Jena's own tools, such as `shacl validate`, do not need it)."""
        work.mkdir(parents=True, exist_ok=True)
        jars = [*classpath_jars(), str(xerces_fix_jar(work))]
        cp = ":".join(jars)
        if not runner:
            return cls(classpath=cp, work=work)
        classes = work / "classes"
        classes.mkdir(exist_ok=True)
        _run(["javac", "-nowarn", "-cp", cp, "-d", str(classes), str(RUNNER_SOURCE)],
             "javac QueryRunner.java")
        return cls(classpath=f"{cp}:{classes}", work=work)

    def java(self, main: str, *args: str) -> str:
        """Run one of Jena's command-line tools (arq.sparql, tdb2.tdbloader, shacl.shacl...)."""
        return _run(["java", "-cp", self.classpath, main, *args], f"java {main}")

    def load_tdb2(self, nquads: Path, location: Path) -> Path:
        """A TDB2 database holding the N-Quads file, loaded by Jena's own bulk loader."""
        if location.exists():
            shutil.rmtree(location)
        self.java("tdb2.tdbloader", "--loc", str(location), str(nquads))
        return location

    def select_many(self, location: Path, queries: Mapping[str, str]) -> dict[str, Any]:
        """Each query's SPARQL JSON results (a dict), or its error text (a str)."""
        folder = self.work / "queries"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        for name, text in queries.items():
            (folder / f"{name}.rq").write_text(text, encoding="utf-8")
        self.java("QueryRunner", str(location), str(folder))
        out: dict[str, Any] = {}
        for name in queries:
            answer, error = folder / f"{name}.srj", folder / f"{name}.err"
            if error.exists():
                out[name] = error.read_text(encoding="utf-8")
            else:
                out[name] = json.loads(answer.read_text(encoding="utf-8"))
        return out

    def shacl_report(self, data: Path, shapes: Path) -> Graph:
        """Jena SHACL's validation report (Turtle) for the data and shapes files."""
        return Graph().parse(data=self.shacl_text(data, shapes), format="turtle")

    def shacl_text(self, data: Path, shapes: Path, timeout: int = TIMEOUT) -> str:
        """Jena SHACL's report as the Turtle it writes (`shacl validate`, one JVM)."""
        return _run(["java", "-cp", self.classpath, "shacl.shacl", "validate", "--shapes",
                     str(shapes), "--data", str(data)], "java shacl.shacl", timeout=timeout)


def store_nquads(store: Store, target: Path) -> Path:
    """The store's named graphs as one N-Quads file, through the store's own graph export
    (each graph's N-Triples with its name added: blank node labels stay those of the export,
    so a node shared by two graphs stays one node)."""
    with open(target, "w", encoding="utf-8") as out:
        for name in store.graph_names():
            graph = f" <{URIRef(name)}> .\n"
            for line in store.export_graph(name).serialize(format="nt").splitlines():
                if line.strip():
                    out.write(line.rstrip().removesuffix(".").rstrip() + graph)
    return target
