"""Real local git repositories holding the demo roster's commits.

Each repository is written by one `git fast-import` stream (no process per commit); the marks
file it exports gives each commit's real sha, which then replaces the pseudo-random sha on the
matching ContextItem. A manifest keyed by the commits themselves (so by seed, date and window)
makes a second call on the same day a file read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import astuple
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from context.demo.commits import CommitSpec
from context.demo.organisation import Organisation, build_org
from context.demo.seeding import digest

REPO_DIR = "demo-repos"
MANIFEST = ".deskguard-demo.json"
FORMAT = 1  # bump when the stream layout changes: old manifests then miss
BOT = ("Larkspur Platform Bot", "platform-bot@larkspurgoods.example")
_LOCK = threading.Lock()  # one writer per process: a rebuild deletes and rewrites the repos


class DemoRepoError(RuntimeError):
    """The demo repositories could not be written (usually: git is not installed)."""


def _stamp(when: datetime, tz: str) -> str:
    return f"{int(when.timestamp())} {when.astimezone(ZoneInfo(tz)).strftime('%z')}"


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n%s\n" % (len(raw), raw)


def _commit(
    ref: str,
    mark: int,
    who: tuple[str, str],
    stamp: str,
    message: str,
    parent: int | None,
    files: dict[str, str],
) -> bytes:
    person = f"{who[0]} <{who[1]}> {stamp}"
    out = f"commit {ref}\nmark :{mark}\nauthor {person}\ncommitter {person}\n".encode()
    out += _data(message)
    if parent is not None:
        out += f"from :{parent}\n".encode()
    for path, content in files.items():
        out += f"M 100644 inline {path}\n".encode() + _data(content)
    return out


def _stream(repo: str, specs: list[CommitSpec], root_time: datetime) -> tuple[bytes, list[str]]:
    """The fast-import stream for one repository, and the item id of each mark (1-based)."""
    readme = {"README.md": f"# {repo}\n\nOwned by Larkspur Goods Co. engineering.\n"}
    stream = _commit(
        "refs/heads/main", 1, BOT, _stamp(root_time, "UTC"), "Initial import", None, readme
    )
    tips, ids = {"main": 1}, ["root"]
    for mark, spec in enumerate(specs, start=2):
        parent = tips.get(spec.branch, tips["main"])  # a new branch forks from main's tip
        files = {f: f"# {f}\n# last change: {spec.subject}\n" for f in spec.files}
        who = (spec.author_name, spec.author_email)
        stream += _commit(
            f"refs/heads/{spec.branch}",
            mark,
            who,
            _stamp(spec.when, spec.timezone),
            spec.subject,
            parent,
            files,
        )
        tips[spec.branch] = mark
        ids.append(spec.item_id)
    return stream, ids


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> None:
    env = os.environ | {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    try:
        subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    except FileNotFoundError as exc:
        raise DemoRepoError("git is not installed: install git to run the demo tenant") from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip()
        raise DemoRepoError(f"git {args[0]} failed in {cwd}: {detail}") from exc


def _build(path: Path, repo: str, specs: list[CommitSpec], root_time: datetime) -> dict[str, str]:
    """Write one repository; return item id -> short sha."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    _git(["init", "-q", "-b", "main", "."], path)
    stream, ids = _stream(repo, specs, root_time)
    marks = path / ".git" / "demo-marks"
    _git(["fast-import", "--quiet", f"--export-marks={marks}"], path, stream)
    _git(["reset", "-q", "--hard"], path)  # check out main so the tree can be browsed
    shas = {}
    for line in marks.read_text().splitlines():
        mark, sha = line.split()
        shas[ids[int(mark[1:]) - 1]] = sha[:7]
    shas.pop("root", None)
    return shas


def _cached(root: Path, key: str) -> dict[str, str] | None:
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    repos_ok = all((root / r / ".git").is_dir() for r in manifest.get("repos", []))
    return dict(manifest["shas"]) if manifest.get("key") == key and repos_ok else None


def materialize_git_repos(org: Organisation, data_dir: Path) -> dict[str, Path]:
    """Create `data_dir/demo-repos/<repo>` for every demo repository and bind the real shas to
    the org's commit items. Synthetic organisations get no repositories ({})."""
    if org.synthetic:
        return {}
    specs = org.commit_specs()
    by_repo: dict[str, list[CommitSpec]] = {repo: [] for repo in org.repository_names()}
    for spec in specs:
        by_repo[spec.repository].append(spec)
    root = Path(data_dir) / REPO_DIR
    # The root commit hangs off the date, not the time of day: its sha is stable all day.
    root_day = org.now.astimezone(UTC).date() - timedelta(days=90)
    root_time = datetime.combine(root_day, time(12), UTC)
    key = digest(FORMAT, org.seed, root_time, sorted(by_repo), *(astuple(s) for s in specs))
    with _LOCK:
        shas = _cached(root, key)
        if shas is None:
            shas = {}
            for repo, repo_specs in sorted(by_repo.items()):
                shas |= _build(root / repo, repo, repo_specs, root_time)
            manifest = {"key": key, "repos": sorted(by_repo), "shas": shas}
            (root / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    org.bind_shas(shas)
    org.repositories = {repo: root / repo for repo in sorted(by_repo)}
    return dict(org.repositories)


def load_demo_tenant(data_dir: Path, now: datetime | None = None) -> Organisation:
    """The demo roster with its repositories materialised under `data_dir`."""
    org = build_org(now=now)
    materialize_git_repos(org, data_dir)
    return org
