"""The small, readable word lists the rule-based baselines use.

Everything a baseline knows is here (entities, quote cues) or in `schemas/event-triggers.json`
(event triggers, keyed by the event types of `schemas/labels.json`). The lists are deliberately
short: they cover common news vocabulary, not the world. Extend them, and re-run the scores.
"""

from __future__ import annotations

# --- entities: gazetteers (exact, case-sensitive, longest match wins) ---------------------------

GPE = [
    "United States", "United States of America", "U.S.", "US", "USA", "America", "United Kingdom", "U.K.", "UK",
    "Britain", "Russia", "Ukraine", "China", "India", "Japan", "Germany", "France", "Italy", "Spain", "Poland",
    "Turkey", "Iran", "Iraq", "Israel", "Syria", "Egypt", "Saudi Arabia", "Qatar", "Belarus", "Moldova", "Georgia",
    "Hungary", "Romania", "Finland", "Sweden", "Norway", "Canada", "Mexico", "Brazil", "North Korea", "South Korea",
    "United Arab Emirates", "UAE", "Abu Dhabi", "Dubai", "Riyadh", "Istanbul", "Ankara", "Geneva", "Paris",
    "London", "Berlin", "Brussels", "Warsaw", "Washington", "New York", "Moscow", "Kyiv", "Kiev", "Kharkiv",
    "Odesa", "Odessa", "Donetsk", "Luhansk", "Crimea", "Donbas", "Zaporizhzhia", "Kherson", "Minsk", "Beijing",
    "Tokyo", "Delhi", "New Delhi", "Tehran", "Jerusalem", "Gaza", "Cairo", "Doha",
]
NORP = [
    "American", "Americans", "Russian", "Russians", "Ukrainian", "Ukrainians", "European", "Europeans", "Chinese",
    "British", "French", "German", "Germans", "Emirati", "Emiratis", "Saudi", "Turkish", "Iranian", "Israeli",
    "Israelis", "Palestinian", "Palestinians", "Polish", "Belarusian", "Western", "Soviet", "Republican",
    "Republicans", "Democrat", "Democrats", "Democratic", "Muslim", "Muslims", "Christian", "Christians",
]
LOC = ["Europe", "Asia", "Africa", "Middle East", "Black Sea", "Baltic Sea", "Arctic", "Balkans", "Caucasus"]
LOC_AFTER_THE = ["West", "East"]  # "the West": a region, only after "the"
ORG = [
    "White House", "Kremlin", "Pentagon", "State Department", "NATO", "EU", "European Union", "UN", "United Nations",
    "UN Security Council", "Security Council", "IMF", "World Bank", "OSCE", "Red Cross", "RT", "TASS", "Xinhua",
    "Reuters", "AFP", "AP", "BBC", "CNN", "CGTN", "Interfax", "RIA Novosti", "Congress", "Senate", "Duma",
]
FAC: list[str] = []

# --- entities: capitalisation patterns --------------------------------------------------------

# A capitalised name right after one of these titles is a PERSON (the title is not part of it).
PERSON_TITLES = [
    "President", "Vice President", "Prime Minister", "Minister", "Secretary", "envoy", "Envoy", "Chancellor",
    "spokesman", "spokeswoman", "spokesperson", "Spokesperson", "Ambassador", "ambassador", "Senator", "Governor",
    "Mayor", "General", "Gen.", "Colonel", "King", "Queen", "Prince", "Pope", "Mr.", "Mrs.", "Ms.", "Dr.",
    "Mr", "Mrs", "Ms", "Dr", "adviser", "advisor", "aide", "chief", "Chief", "negotiator", "Commissioner",
    "Director", "director", "leader", "Leader", "Speaker", "Chairman", "chairman", "head",
]
# A capitalised phrase that ends with (or starts with, before "of") one of these is an ORG.
ORG_HEADS = [
    "Council", "Ministry", "Department", "Agency", "Committee", "Commission", "Office", "Parliament", "Party",
    "Union", "Organization", "Organisation", "Bank", "Court", "Service", "Services", "Assembly", "Forces", "Army",
    "Navy", "Institute", "University", "Company", "Corporation", "Group", "Fund", "Foundation", "Association",
    "Federation", "Alliance", "Cabinet", "Government", "Administration", "Agency", "Bureau", "Guard",
]
# Words that join the capitalised parts of one name.
NAME_JOINERS = ["of", "and", "for", "&", "de", "von", "van", "al", "bin"]

# Capitalised words that never start or make a name on their own (sentence openers and the like).
NOT_NAMES = [
    "The", "A", "An", "In", "On", "At", "By", "For", "From", "With", "Without", "During", "After", "Before",
    "Following", "According", "As", "But", "And", "Or", "If", "When", "While", "What", "Who", "Which", "This",
    "That", "These", "Those", "It", "Its", "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our",
    "My", "Your", "Today", "Yesterday", "Tomorrow", "Over", "All", "Some", "No", "Yes", "There", "Here",
    "However", "Meanwhile", "Also", "Still", "Now", "Then", "So", "Asked", "Speaking",
]

# --- entities: value patterns -----------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY_WORDS = ["today", "yesterday", "tomorrow", "Today", "Yesterday", "Tomorrow"]
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night"]
DATE_UNITS = ["day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades",
              "weekend", "century", "centuries"]
RELATIVE_DATE_WORDS = ["past", "last", "next", "coming", "previous", "following", "same", "current", "this", "that"]
QUANTIFIERS = ["nearly", "almost", "about", "around", "some", "more than", "less than", "over", "under",
               "at least", "up to", "roughly", "approximately", "only", "just"]
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
                "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds",
                "thousand", "thousands", "million", "millions", "billion", "billions", "dozen", "dozens"]
ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "twentieth", "hundredth", "last"]
CURRENCY_WORDS = ["dollars", "dollar", "euros", "euro", "rubles", "roubles", "hryvnias", "pounds", "yuan"]

# --- quotes ------------------------------------------------------------------------------------

# Speech verbs (all forms listed: no stemming). A cue is one of these, or a CUE_PHRASES entry.
CUE_VERBS = [
    "said", "says", "say", "saying", "told", "tells", "telling", "added", "adds", "adding", "explained",
    "explains", "explaining", "stated", "states", "noted", "notes", "noting", "announced", "announces",
    "stressed", "stresses", "stressing", "insisted", "insists", "claimed", "claims", "warned", "warns",
    "warning", "argued", "argues", "asserted", "declared", "declares", "remarked", "replied", "wrote",
    "writes", "emphasized", "emphasised", "emphasizing", "emphasising", "commented", "acknowledged",
    "confirmed", "confirms", "reiterated", "recalled", "urged", "urges", "suggested", "asked", "answered",
    "continued", "tweeted", "posted",
]
CUE_PHRASES = ["according to"]
# Cues with no subject of their own: ", adding that ..." reports the speaker of the main clause.
PARTICIPLE_CUES = [verb for verb in CUE_VERBS if verb.endswith("ing")]
PRONOUNS = ["he", "she", "He", "She"]
