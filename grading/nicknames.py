"""Common English nicknames, so "Bob" answers for Robert and "Liz" for Elizabeth.

Each row is a formal name and the short forms people actually say. Lookups go both ways and
through the formal name, so "Bob" and "Rob" are the same person when the expected is "Robert".
"""

from __future__ import annotations

from functools import cache

_TABLE = """
abigail: abby abbie gail
alexander: alex al sasha xander
alexandra: alex lexi sandra sasha
alfred: alf fred freddie
andrew: andy drew
angela: angie
anthony: tony ant
barbara: barb babs
benjamin: ben benny benji
catherine: cathy kate katie cat kathy
charles: charlie chuck chas
christina: chris tina christy
christopher: chris topher kit
cynthia: cindy
daniel: dan danny
david: dave davy
deborah: deb debbie
donald: don donny
dorothy: dot dottie
edward: ed eddie ted ned
elizabeth: liz lizzie beth betty eliza libby
eugene: gene
frances: fran frankie
francis: frank
frederick: fred freddie
gabriel: gabe
gregory: greg
harold: harry hal
henry: hank harry
isabella: bella izzy
jacob: jake
james: jim jimmy jamie
jennifer: jen jenny
jessica: jess jessie
john: jack johnny jon
jonathan: jon jonny
joseph: joe joey
joshua: josh
katherine: kate kathy katie kat
kenneth: ken kenny
lawrence: larry
leonard: leo len lenny
margaret: maggie meg peggy marge
matthew: matt
michael: mike mikey mick
nathaniel: nate nat
nicholas: nick nicky
patricia: pat patty trish
patrick: pat paddy
peter: pete
philip: phil
rebecca: becky becca
richard: rick ricky dick rich
robert: bob bobby rob robbie bert
ronald: ron ronnie
samantha: sam sammy
samuel: sam sammy
stephen: steve stevie
steven: steve stevie
susan: sue susie
theodore: ted teddy theo
thomas: tom tommy
timothy: tim timmy
victoria: vicky tori
william: will bill billy liam
"""


@cache
def _groups() -> dict[str, frozenset[str]]:
    """name -> every name that may stand for the same first name (itself included)."""
    out: dict[str, set[str]] = {}
    for line in _TABLE.strip().splitlines():
        formal, shorts = line.split(":")
        group = {formal.strip(), *shorts.split()}
        for name in group:
            out.setdefault(name, set()).update(group)
    return {name: frozenset(names) for name, names in out.items()}


def forms(first_name: str) -> frozenset[str]:
    """All spoken forms of a (folded) first name, including the name itself."""
    return _groups().get(first_name, frozenset()) | {first_name}


def same_first_name(a: str, b: str) -> bool:
    return b in forms(a)


def table_names() -> frozenset[str]:
    """Every formal name and short form in the table."""
    return frozenset(_groups())
