"""Scorers: entities (SemEval-2013 9.1 / nervaluate schemes, conlleval-exact strict), quotes, events.

Modules, one concern each:
    counts        P/R/F1 from match counts (None where undefined), micro/macro averages
    spanarrays    spans as numpy columns (the fast representation every scorer uses)
    conll         the CoNLL column format: read fast, decode chunks as conlleval does
    matching      one-to-one span matching under strict/exact/partial/ent_type, vectorised
    entities      entity scores for all four schemes, micro/macro/per label, per document
    tokens        token-level report (scikit-learn) and the type confusion matrix
    quotes        quote content, speaker and cue scores, by kind
    events        ACE trigger and argument scores, plain and attached
    bootstrap     bootstrap confidence intervals over documents
    significance  paired bootstrap and approximate randomization between two systems

Nothing heavy is imported here: numpy is imported by the modules that need it.
"""
