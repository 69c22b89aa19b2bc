"""INSTRUCTORS.md, the instructor's guide, stays true to the notebooks as they are.

The guide's form, which these tests read:

* one section per notebook, a level-3 heading naming the notebook's path under ``notebooks/`` in
  backticks (``### 04 · The four equations — `04_four_equations.ipynb```), with the fields
  **Lesson:**, **Minutes:** (a range such as ``40–50``), **When short of time:**,
  **Pause and ask:**, **Live or pre-run:** and **Misconceptions:**;
* a section heading of a notebook is cited as §“Heading”: inside a notebook's section it is a
  heading of that notebook, elsewhere it carries the notebook's number in front
  (``04 §“BP2: the error one layer back”``, ``solutions §“…”``); headings are compared without
  regard to case or spacing;
* a section ``## The misconceptions`` defines each misconception in a paragraph that starts with
  its label (``**M1. …``); a notebook's **Misconceptions:** field names labels.

Each check returns a list of problems, so that the last tests can show, on a small guide of
their own, that every check fails when the guide and the notebooks disagree.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "INSTRUCTORS.md"
NOTEBOOKS = ROOT / "notebooks"

FIELDS = ("Lesson", "Minutes", "When short of time", "Pause and ask", "Live or pre-run",
          "Misconceptions")

# The misconceptions the guide must name, each with words its definition has to contain.
REQUIRED = {
    "δ as ∂C/∂a instead of ∂C/∂z": ("∂C/∂a", "∂C/∂z", "σ'"),
    "the transpose in BP2": ("transpose", "BP2"),
    "mean against sum over the mini-batch": ("mean", "sum", "mini-batch", "η/m"),
    "the book's numbering against Python's": ("from 1", "from 0", "l = i + 2"),
    "saturated means learning slowly, not wrong": ("saturated", "learns slowly", "wrong"),
    "δ ≈ 0, so far as the demon can tell": ("so far as the demon can tell", "small"),
    "the exercises' stubs": ("stub", "NotImplementedError", "not attempted yet"),
}

CITATION = re.compile(r"(?:\b(\d\d|solutions)\s+)?§“([^”]+)”")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
SECTION_PATH = re.compile(r"`([^`]+\.ipynb)`")
LABEL = re.compile(r"\bM(\d+)\b")


def _plain(text):
    """The lines of a markdown text, with those inside fenced code blocks blanked out."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            lines.append("")
        else:
            lines.append("" if fenced else line)
    return lines


def _norm(heading):
    return " ".join(heading.split()).casefold()


def notebook_paths(notebooks=NOTEBOOKS):
    """Every notebook under ``notebooks``, as a path relative to it (``solutions/x.ipynb``)."""
    return sorted(p.relative_to(notebooks).as_posix() for p in notebooks.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def notebook_headings(path):
    """The section headings of a notebook's markdown cells, normalised."""
    found = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in _plain(cell.source):
                m = HEADING.match(line)
                if m:
                    found.add(_norm(m.group(2)))
    return found


def parse(text):
    """The guide's parts: its lines (outside code blocks), the notebook sections as
    {path: (first line, last line)}, and the misconception definitions as {label: text}."""
    lines = _plain(text)
    heads = [(i, len(m.group(1)), m.group(2)) for i, line in enumerate(lines)
             if (m := HEADING.match(line))]
    sections, definitions = {}, {}
    for n, (i, level, title) in enumerate(heads):
        end = next((j for j, lv, _ in heads[n + 1:] if lv <= level), len(lines))
        path = SECTION_PATH.search(title)
        if level == 3 and path:
            sections.setdefault(path.group(1), []).append((i, end))
        if level == 2 and title.casefold().startswith("the misconceptions"):
            body = "\n".join(lines[i + 1:end])
            for part in re.split(r"\n(?=\*\*M\d+\.)", body):
                m = re.match(r"\*\*(M\d+)\.", part.strip())
                if m:
                    definitions[m.group(1)] = part
    return lines, sections, definitions


def _section_of(sections, line_no):
    for path, spans in sections.items():
        if any(start <= line_no < end for start, end in spans):
            return path
    return None


def _field(body, name):
    """The text of the field **name:** up to the next field, or None (names may wrap)."""
    label = r"\s+".join(map(re.escape, name.split()))
    m = re.search(rf"\*\*{label}:\*\*(.*?)(?=\*\*[A-Z][\w\s]*:\*\*|\Z)", body, re.S)
    return m.group(1) if m else None


def section_problems(text, notebooks=NOTEBOOKS):
    """A notebook without a section, a section of no notebook, a section twice."""
    _, sections, _ = parse(text)
    have = notebook_paths(notebooks)
    problems = [f"{p} has no section in the guide" for p in have if p not in sections]
    problems += [f"the guide has a section for {p}, which is not a notebook"
                 for p in sections if p not in have]
    problems += [f"{p} has {len(s)} sections" for p, s in sections.items() if len(s) > 1]
    return problems


def naming_problems(text, notebooks=NOTEBOOKS):
    """Every notebook the guide names exists: by file name, or as 'notebook NN'."""
    have = notebook_paths(notebooks)
    numbers = {p[:2] for p in have if p[:2].isdigit()}
    plain = "\n".join(_plain(text))
    problems = []
    for match in re.finditer(r"[\w./-]+\.ipynb", plain):
        rel = match.group().split("notebooks/", 1)[-1]      # a link, or a URL's path
        if rel not in have:
            problems.append(f"{match.group()} is not a notebook")
    separator = r"(?:,\s*|\s+and\s+|\s+or\s+|\s*[–-]\s*)"
    for match in re.finditer(rf"\b[Nn]otebooks?\s+(\d\d(?:{separator}\d\d)*)", plain):
        problems += [f"there is no notebook {d}" for d in re.findall(r"\d\d", match.group(1))
                     if d not in numbers]
    return problems


def citation_problems(text, notebooks=NOTEBOOKS):
    """Every §“Heading” the guide cites is a section heading of the notebook it names."""
    lines, sections, _ = parse(text)
    have = notebook_paths(notebooks)
    headings, problems, cited = {}, [], 0
    plain = "\n".join(lines)                # a citation may wrap onto the next line
    for match in CITATION.finditer(plain):
        prefix, heading = match.groups()
        n = plain.count("\n", 0, match.start())
        cited += 1
        if prefix:
            matches = [p for p in have if p.startswith(prefix + ("/" if prefix.isalpha()
                                                                 else "_"))]
            if len(matches) != 1:
                problems.append(f"line {n + 1}: '{prefix}' names {len(matches)} notebooks")
                continue
            path = matches[0]
        else:
            path = _section_of(sections, n)
            if path is None:
                problems.append(f"line {n + 1}: §“{heading}” does not say which notebook")
                continue
        if path not in headings:
            headings[path] = notebook_headings(notebooks / path) if path in have else set()
        if _norm(heading) not in headings[path]:
            problems.append(f"line {n + 1}: {path} has no section “{heading}”")
    if not cited:
        problems.append("the guide cites no section heading at all")
    return problems


def field_problems(text):
    """Each notebook section has every field, a range of minutes, and names a pause by one of
    its notebook's headings."""
    lines, sections, _ = parse(text)
    problems = []
    for path, spans in sections.items():
        for start, end in spans:
            body = "\n".join(lines[start:end])
            problems += [f"{path}: no **{f}:**" for f in FIELDS if _field(body, f) is None]
            minutes = re.search(r"\*\*Minutes:\*\*\s*(\d+)\s*[–-]\s*(\d+)", body)
            if not minutes or not 0 < int(minutes[1]) < int(minutes[2]) <= 120:
                problems.append(f"{path}: **Minutes:** is not a range such as 20–30")
            pauses = _field(body, "Pause and ask") or ""
            if not any(not prefix for prefix, _ in CITATION.findall(pauses)):
                problems.append(f"{path}: no pause named by a section heading of the notebook")
    return problems


def misconception_problems(text):
    """The required misconceptions are defined; every label used is defined; every definition
    is targeted by at least one notebook, and each notebook targets at least one."""
    lines, sections, definitions = parse(text)
    problems = []
    if not definitions:
        return ["no section '## The misconceptions' with definitions **M1. …"]
    for name, words in REQUIRED.items():
        if not any(all(w.casefold() in d.casefold() for w in words)
                   for d in definitions.values()):
            problems.append(f"no misconception defines {name!r} (with {', '.join(words)})")
    targeted = set()
    for path, spans in sections.items():
        for start, end in spans:
            field = _field("\n".join(lines[start:end]), "Misconceptions") or ""
            used = {f"M{d}" for d in LABEL.findall(field)}
            if not used:
                problems.append(f"{path}: its **Misconceptions:** names no label")
            problems += [f"{path}: {u} is not defined" for u in sorted(used - set(definitions))]
            targeted |= used
    problems += [f"{label} is targeted by no notebook"
                 for label in sorted(set(definitions) - targeted)]
    return problems


def link_problems(text, root=ROOT):
    """Relative links of the guide lead to files or folders of the repository."""
    problems = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", "\n".join(_plain(text))):
        if "://" not in target and not (root / target).exists():
            problems.append(f"the link {target} leads nowhere")
    return problems


CHECKS = [section_problems, naming_problems, citation_problems, field_problems,
          misconception_problems, link_problems]


# --- the guide as it is ---------------------------------------------------------------

@pytest.fixture(scope="module")
def guide():
    return GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_guide_agrees_with_the_notebooks(guide, check):
    problems = check(guide)
    assert not problems, "\n".join(problems)


def test_every_notebook_section_cites_headings_of_its_own_notebook(guide):
    lines, sections, _ = parse(guide)
    for path, spans in sections.items():
        body = "\n".join(lines[spans[0][0]:spans[0][1]])
        assert any(not prefix for prefix, _ in CITATION.findall(body)), path


def test_the_readme_points_at_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Teaching with nbteach\n", 1)
    assert len(section) == 2, "the README has no section '## Teaching with nbteach'"
    body = section[1].split("\n## ", 1)[0]
    assert "(INSTRUCTORS.md)" in body
    for topic in ("nt.present()", "make slides", "RISE", "make site", "Binder",
                  ".github/workflows/tests.yml"):
        assert topic in body, f"the README's teaching section does not mention {topic}"


# --- the checks can fail ----------------------------------------------------------------

SMALL_GUIDE = """\
# Guide

## The misconceptions

**M1. δ is ∂C/∂a.** It is ∂C/∂z; they differ by σ'(z).

**M2. The transpose.** BP2 needs the transpose of w.

**M3. Mean or sum.** The mean over the mini-batch, or the sum, divided once by η/m.

**M4. Numbering.** The book counts from 1, Python from 0: weights[i] is layer l = i + 2.

**M5. Saturated.** A saturated neuron learns slowly, right or wrong.

**M6. δ ≈ 0.** Only small nudges: "so far as the demon can tell".

**M7. Stubs.** A stub raises NotImplementedError; its checker says not attempted yet.

## The notebooks, one by one

### 01 · One — `01_one.ipynb`

**Lesson:** one. **Minutes:** 10–20. **When short of time:** less.
**Pause and ask:** §“First idea”. **Live or pre-run:** live.
**Misconceptions:** M1, M2, M3, M4.

### 02 · Two — `02_two.ipynb`

**Lesson:** two, after notebook 01. **Minutes:** 5–15. **When short of time:** less.
**Pause and ask:** §“Second idea”, and back to 01 §“First idea”.
**Live or pre-run:** live. **Misconceptions:** M5, M6, M7.
"""


def _notebook(path, *headings):
    cells = [nbformat.v4.new_markdown_cell(f"## {h}\n\nText.") for h in headings]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


@pytest.fixture
def small(tmp_path):
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks / "01_one.ipynb", "First idea", "Takeaways")
    _notebook(notebooks / "02_two.ipynb", "Second idea")
    return notebooks


def _all_problems(text, notebooks):
    return (section_problems(text, notebooks) + naming_problems(text, notebooks)
            + citation_problems(text, notebooks) + field_problems(text)
            + misconception_problems(text))


def test_a_guide_that_agrees_passes(small):
    assert _all_problems(SMALL_GUIDE, small) == []


@pytest.mark.parametrize("change, expected", [
    (("§“First idea”", "§“First Idea, renamed”"), "01_one.ipynb has no section"),
    (("01 §“First idea”", "02 §“First idea”"), "02_two.ipynb has no section “First idea”"),
    (("01 §“First idea”", "07 §“First idea”"), "'07' names 0 notebooks"),
    (("after notebook 01", "after notebook 03"), "there is no notebook 03"),
    (("`02_two.ipynb`", "`02_too.ipynb`"), "02_two.ipynb has no section in the guide"),
    (("`02_two.ipynb`", "`02_too.ipynb`"), "which is not a notebook"),
    (("**Minutes:** 5–15", "**Minutes:** 15"), "not a range"),
    (("**Live or pre-run:** live. **Misc", "**Misc"), "no **Live or pre-run:**"),
    (("**Pause and ask:** §“Second idea”, and back to", "**Pause and ask:** back to"),
     "no pause named by a section heading"),
    (("It is ∂C/∂z", "It is the output"), "'δ as ∂C/∂a instead of ∂C/∂z'"),
    (("**M2. The transpose.** BP2 needs the transpose of w.", "**M2. BP2.** It needs w."),
     "'the transpose in BP2'"),
    (("Python from 0", "Python otherwise"), "the book's numbering against Python's"),
    (('"so far as the demon can tell"', "nothing"), "so far as the demon can tell"),
    (("**M7. Stubs.** A stub raises", "**M7. Cells.** It raises"), "the exercises' stubs"),
    (("M5, M6, M7.", "M5, M6, M7, M9."), "M9 is not defined"),
    (("M5, M6, M7.", "M5, M6."), "M7 is targeted by no notebook"),
])
def test_each_check_fails_when_guide_and_notebooks_disagree(small, change, expected):
    old, new = change
    assert old in SMALL_GUIDE
    problems = _all_problems(SMALL_GUIDE.replace(old, new), small)
    assert any(expected in p for p in problems), problems


def test_a_notebook_without_a_section_fails(small):
    _notebook(small / "solutions" / "answers.ipynb", "Answers")
    assert "solutions/answers.ipynb has no section in the guide" in \
        section_problems(SMALL_GUIDE, small)


def test_a_citation_outside_any_notebook_section_must_name_its_notebook(small):
    text = SMALL_GUIDE.replace("## The notebooks, one by one",
                               "Start at §“First idea”.\n\n## The notebooks, one by one")
    assert any("does not say which notebook" in p for p in citation_problems(text, small))


def test_a_heading_in_a_code_block_of_the_guide_is_not_a_section(small):
    text = SMALL_GUIDE + "\n```\n### 03 · Three — `01_one.ipynb`\n```\n"
    assert section_problems(text, small) == []
