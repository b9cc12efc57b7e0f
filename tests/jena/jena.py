"""The Jena runner the tests use is the one the benchmark uses (tools/jena): one copy."""

from tools.jena import Jena, JenaUnavailable, classpath_jars, store_nquads, xerces_fix_jar

__all__ = ["Jena", "JenaUnavailable", "classpath_jars", "store_nquads", "xerces_fix_jar"]
