"""Plan-vs-actual reports of a month: read the mart (``data``), render (``month``), record (``registry``)."""
