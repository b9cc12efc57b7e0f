"""The question box: a question in an officer's words read as one of the kinds of question
the named queries answer (dutygraph.ask.read), from the graph's own vocabulary
(dutygraph.ask.lexicon), deterministically and with no model.

    from dutygraph.ask import load_lexicon, read
    reading = read("Who were Bromley's board partners on 1 May 2013?", load_lexicon(store))
    reading.kind.name, reading.params()
"""

from .kinds import KINDS, Kind
from .lexicon import Lexicon, Thing
from .lexicon import load as load_lexicon
from .read import Choice, Day, Reading, read

__all__ = ["KINDS", "Choice", "Day", "Kind", "Lexicon", "Reading", "Thing", "load_lexicon",
           "read"]
