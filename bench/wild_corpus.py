"""Export a "wild" corpus of real Keras code from fetched git mirrors.

Usage::

    python bench/wild_corpus.py [SPEC ...] [--mirror-root /work/.mirror]
                                [--out /tmp/wild] [--clean] [--list]

A SPEC is ``owner/name``, optionally followed by ``@REV`` (a tag, branch or
commit; ``HEAD`` by default) and ``:DIR[,DIR...]`` (only files under those
folders), e.g. ``keras-team/keras@1.2.2:examples``.  A SPEC can also be the
path of a git directory (bare, or a work tree holding ``.git``).  With no
SPEC every mirror under ``--mirror-root`` is exported at ``HEAD``, except the
big library repositories, for which the ``DEFAULT_SPECS`` folder limits apply;
``--corpus`` exports the ``CORPUS`` list instead (the repositories of the first
wild run).

Mirrors are the bare git directories that the ``fetch`` tool leaves at
``<mirror-root>/<owner>+<name>/repo`` (sometimes ``repo/.git``).  Every
``.py`` and ``.ipynb`` file at the revision whose text mentions ``keras``
(case-insensitive) is written, read-only content as stored, to
``<out>/<owner>+<name>[@REV]/<path>``.  Nothing is run and nothing is built:
the files are only read by ``shapecheck check`` afterwards.

The exported code belongs to its authors: it lives in a scratch folder and
must never be committed to this repository.

Prints, per repository, the number of .py/.ipynb files at the revision, how
many mention keras and were exported, and the totals.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

DEFAULT_MIRROR_ROOT = Path("/work/.mirror")
DEFAULT_OUT = Path("/tmp/wild")
SUFFIXES = (".py", ".ipynb")

# Specs used when no SPEC is given.  Library repositories are limited to the
# folders that hold user-style code (examples, guides, tools); the Keras repo
# also contributes its Keras 1 and Keras 2 examples from old tags.
DEFAULT_SPECS: Tuple[str, ...] = (
    "keras-team/keras@1.2.2:examples",
    "keras-team/keras@2.3.1:examples",
    "keras-team/keras:guides,benchmarks,integration_tests",
    "keras-team/keras-hub:tools,examples",
)


# The repositories of the first wild run (fetch each with the ``fetch`` tool
# first; ``--corpus`` exports exactly these).  Keras 1, Keras 2 / tf.keras 2.x
# and Keras 3 code: books' notebooks, courses, model zoos, applications.
CORPUS: Tuple[str, ...] = DEFAULT_SPECS + (
    "Hvass-Labs/TensorFlow-Tutorials",
    "PacktPublishing/Advanced-Deep-Learning-with-Keras",
    "PacktPublishing/Deep-Learning-with-Keras",
    "PacktPublishing/Deep-Learning-with-TensorFlow-2-and-Keras",
    "ageron/handson-ml2",
    "ageron/handson-ml3",
    "basveeling/wavenet",
    "divamgupta/image-segmentation-keras",
    "experiencor/keras-yolo2",
    "farizrahman4u/seq2seq",
    "fchollet/deep-learning-models",
    "fchollet/deep-learning-with-python-notebooks",
    "jeffheaton/t81_558_deep_learning",
    "jocicmarko/ultrasound-nerve-segmentation",
    "keras-rl/keras-rl",
    "keras-team/keras-applications",
    "keras-team/keras-contrib",
    "keras-team/keras-tuner",
    "philipperemy/keras-attention",
    "qqwweee/keras-yolo3",
    "qubvel/segmentation_models",
    "raghakot/keras-vis",
    "rasbt/python-machine-learning-book-3rd-edition",
    "tensorflow/docs",
    "tensorflow/examples",
    "titu1994/DenseNet",
    "yu4u/age-gender-estimation",
)


def _git(git_dir: Path, *args: str, binary: bool = False):
    res = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=True,
    )
    return res.stdout if binary else res.stdout.decode("utf-8", "replace")


def find_git_dir(path: Path) -> Optional[Path]:
    """The git directory of a mirror folder (``repo``, ``repo/.git`` or itself)."""
    for cand in (path / "repo" / ".git", path / "repo", path / ".git", path):
        if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
            return cand
    return None


def parse_spec(spec: str) -> Tuple[str, str, List[str]]:
    """``owner/name[@rev][:dir,dir]`` -> (owner/name or path, rev, dirs)."""
    dirs: List[str] = []
    if ":" in spec and not Path(spec).exists():
        spec, _, tail = spec.partition(":")
        dirs = [d.strip("/") for d in tail.split(",") if d.strip("/")]
    rev = "HEAD"
    if "@" in spec and not Path(spec).exists():
        spec, _, rev = spec.partition("@")
    return spec, rev or "HEAD", dirs


def resolve(spec_name: str, mirror_root: Path) -> Tuple[str, Optional[Path]]:
    """(label owner+name, git dir) for an ``owner/name`` or a path."""
    p = Path(spec_name)
    if p.exists():
        git_dir = find_git_dir(p)
        # /work/.mirror/owner+name/repo[/.git] -> owner+name
        label = p.name
        for part in reversed(p.resolve().parts):
            if "+" in part:
                label = part
                break
        return label, git_dir
    label = spec_name.replace("/", "+")
    return label, find_git_dir(mirror_root / label)


def list_files(git_dir: Path, rev: str, dirs: List[str]) -> List[str]:
    out = _git(git_dir, "ls-tree", "-r", "-z", "--name-only", rev, "--", *dirs)
    return [f for f in out.split("\0") if f.endswith(SUFFIXES)]


def export_spec(spec: str, mirror_root: Path, out_root: Path) -> Tuple[str, int, int]:
    name, rev, dirs = parse_spec(spec)
    label, git_dir = resolve(name, mirror_root)
    if git_dir is None:
        print(f"  {spec}: no git directory found (fetch it first)", file=sys.stderr)
        return label, 0, 0
    folder = label if rev == "HEAD" else f"{label}@{rev}"
    dest_root = out_root / folder
    files = list_files(git_dir, rev, dirs)
    exported = 0
    for path in files:
        try:
            blob = _git(git_dir, "show", f"{rev}:{path}", binary=True)
        except subprocess.CalledProcessError:
            continue  # a submodule, an LFS-less blob missing from the snapshot
        if b"keras" not in blob.lower():
            continue
        dest = dest_root / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(blob)
        exported += 1
    return folder, len(files), exported


def default_specs(mirror_root: Path) -> List[str]:
    limited = {parse_spec(s)[0] for s in DEFAULT_SPECS}
    specs = list(DEFAULT_SPECS)
    for d in sorted(mirror_root.iterdir()) if mirror_root.is_dir() else []:
        if "+" not in d.name or find_git_dir(d) is None:
            continue
        name = d.name.replace("+", "/", 1)
        if name not in limited:
            specs.append(name)
    return specs


def main(argv: Optional[Iterable[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("specs", nargs="*", help="owner/name[@rev][:dir,...] or a git dir")
    ap.add_argument("--mirror-root", type=Path, default=DEFAULT_MIRROR_ROOT)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--clean", action="store_true", help="empty each repo's export folder first")
    ap.add_argument("--corpus", action="store_true", help="export the CORPUS specs")
    ap.add_argument("--list", action="store_true", help="print the specs and exit")
    args = ap.parse_args(list(argv) if argv is not None else None)

    specs = list(CORPUS) if args.corpus else (args.specs or default_specs(args.mirror_root))
    if args.list:
        print("\n".join(specs))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    total_files = total_exported = 0
    rows = []
    for spec in specs:
        if args.clean:
            name, rev, _ = parse_spec(spec)
            label, _ = resolve(name, args.mirror_root)
            folder = label if rev == "HEAD" else f"{label}@{rev}"
            shutil.rmtree(args.out / folder, ignore_errors=True)
        folder, n_files, n_exported = export_spec(spec, args.mirror_root, args.out)
        rows.append((folder, n_files, n_exported))
        total_files += n_files
        total_exported += n_exported
    width = max((len(r[0]) for r in rows), default=10)
    print(f"{'repository':<{width}}  py/ipynb  keras")
    for folder, n_files, n_exported in rows:
        print(f"{folder:<{width}}  {n_files:8d}  {n_exported:5d}")
    print(f"{'total':<{width}}  {total_files:8d}  {total_exported:5d}  ({len(rows)} exports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
