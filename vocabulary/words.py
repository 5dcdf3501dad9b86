"""Generic work words: they appear in most titles and answers and identify nothing on their own.
"The weekly sync" is guessable by anyone; "Loyalty API migration" is distinctive only through
"loyalty" and "api". Fact ranking, the question checks and the text grader all discount them."""

from __future__ import annotations

import re

_GENERIC = """project projects work task tasks ticket tickets issue issues bug bugs fix fixes fixed
    fixing typo update updates updated updating change changes changed new old team meeting
    meetings call sync review reviews reviewing migration migrate migrating migrated planning
    plan discussion discuss discussed stuff thing item items feature features doc docs document
    documentation page service services system systems app application setup set up add added
    adding remove removed improve improvement cleanup clean refactor refactoring test tests
    testing release deploy deployment deployed pr pull request merge merged branch main commit
    code repo repository weekly daily standup stand-up quick upgrade upgrading upgraded move
    moving moved switch switching rollout rolling out prep prepare preparing doing did done
    working finish finishing finished start started starting going wip misc fyi re fw fwd
    1:1 1-1 one-on-one check-in catch-up catchup huddle lunch all-hands town hall"""
GENERIC_WORDS = frozenset(_GENERIC.split())

# Function words and fillers: what a sentence is built of, not what it says. The text grader
# ignores them; a model-written question may share them with its answer.
_STOP = """a an the of to for and or in on at by with from into onto about as is was were be been it
    its this that these those we our us i my me you your they their he she his her them there
    some any all just also then than so not no yes yeah think maybe probably like sort kind
    um uh er ok okay something stuff thing things one com net org www http https
    pretty sure guess believe remember recall reckon perhaps definitely certain honestly
    basically actually roughly around regarding re fw fwd
    weren wasn didn isn aren don doesn couldn wouldn shouldn hasn haven hadn won t s ll ve d
    de du des la le les et der die das und el los las y en von zu im"""
STOPWORDS = frozenset(_STOP.split())


_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg)\s*:\s*)+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'&.-]*")


def capitalised_names(text: str) -> list[str]:
    """The names a templated subject varies by ("new hire laptops for Dallas DC"): capitalised
    words past the first (sentence case capitalises it anyway) and acronyms of three letters
    or more anywhere (NCR, SSO); past a "Re:"/"Fw:" prefix. Two-letter acronyms (DC, HR, IT)
    qualify rather than name."""
    words = _WORD.findall(_SUBJECT_PREFIX.sub("", text))
    acronym = [w.isupper() and len(w) >= 3 for w in words]
    named = [
        i > 0 and w[0].isupper() and not (w.isupper() and len(w) <= 2) for i, w in enumerate(words)
    ]
    return [w for w, a, n in zip(words, acronym, named, strict=True) if a or n]
