"""dutygraph: who answers for a child's safety in England, as a knowledge graph."""

__version__ = "0.1.0"
