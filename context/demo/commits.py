"""Git commits: ContextItems plus the CommitSpec each one needs to become a real commit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from context.demo.activity import tickets
from context.demo.catalog import ROLES, fill
from context.demo.records import Person
from context.demo.scene import Scene, at
from context.demo.seeding import fake_sha
from context.models import AudienceScope, ContextItem, Involvement, ItemKind, Source


@dataclass(frozen=True)
class CommitSpec:
    """Everything `git fast-import` needs to recreate the commit behind a ContextItem."""

    item_id: str
    repository: str
    branch: str
    when: datetime
    timezone: str
    author_name: str
    author_email: str
    subject: str
    files: tuple[str, ...]


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:4])


def _commit(scene: Scene, person: Person, day: date, n: int) -> tuple[ContextItem, CommitSpec]:
    rnd = scene.rng("commit", person.upn, day, n)
    role = ROLES[person.employee.role]
    repo = rnd.choice(person.repos)
    subject, branch = fill(rnd.choice(role.commits), rnd, day=day), "main"
    work = tickets(scene, person)
    if work and rnd.random() < 0.6:  # work on a ticket's branch, in its project's repository
        ticket = rnd.choice(work)
        branch = f"feature/{ticket['key'].lower()}-{_slug(ticket['summary'])}"
        subject = f"{ticket['key']}: {subject}"
        repo = person.repos[person.projects.index(ticket["project"]) % len(person.repos)]
    # A second identity (a laptop's git config) signs the commits of every other day.
    ident = person.git[day.toordinal() % len(person.git)]
    files = tuple(sorted(rnd.sample(role.files, rnd.randint(1, 3))))
    when = at(day, time(9 + 2 * n + rnd.randrange(2), rnd.randrange(60)), person.employee.timezone)
    item_id = scene.new_id("git", person.upn, repo, subject, when.isoformat())
    sha = fake_sha(scene.seed, item_id)
    item = ContextItem(
        id=item_id,
        source=Source.GIT,
        kind=ItemKind.COMMIT,
        when=when,
        title=subject,
        involvement=Involvement.AUTHOR,
        identifiers={"repository": repo, "branch": branch, "sha": sha},
        extra={"files": ", ".join(files), "author": ident.name},
        audience=scene.group_audience(person.upn, AudienceScope.REPOSITORY, repo),
        provenance=scene.provenance(sha),
    )
    spec = CommitSpec(
        item_id,
        repo,
        branch,
        when,
        person.employee.timezone,
        ident.name,
        ident.email,
        subject,
        files,
    )
    return item, spec


def commit_items(scene: Scene, person: Person) -> list[tuple[ContextItem, CommitSpec]]:
    low, high = ROLES[person.employee.role].commits_per_day
    if not person.repos or not person.git or high == 0:
        return []
    out = []
    for day in scene.workdays():
        count = scene.rng("commit-count", person.upn, day).randint(low, high)
        out += [_commit(scene, person, day, n) for n in range(count)]
    return out
