#!/usr/bin/env python3
"""Writes data/appraisal/*.textproto from the source documents (seeds 000, 001, 002, 004).

Run once by hand (python3 extract_frameworks.py SEEDS_DIR OUT_DIR); the output is checked in
and reviewed. Extraction artefacts are dropped: the "[image: ...]" markers, the page header
repeated mid-list in seed 001, and the OCR'd overview chart at the end of seed 002 (its items
are the subcompetency lists already given in the body, with OCR noise). Source wording,
including its typos, is kept; whitespace is collapsed.
"""
import glob
import os
import re
import sys

LEVELS = [("emg", "PROFICIENCY_LEVEL_EMERGING"), ("dev", "PROFICIENCY_LEVEL_DEVELOPING"),
          ("acq", "PROFICIENCY_LEVEL_ACQUIRED"), ("acc", "PROFICIENCY_LEVEL_ACCOMPLISHED"),
          ("mas", "PROFICIENCY_LEVEL_MASTERY")]
SF_IDS = {"PERSONAL EFFECTIVENESS": "pe", "COMMUNICATION": "com", "WORK EFFECTIVENESS": "we",
          "CUSTOMER SERVICE": "cs", "CRITICAL EVALUATION": "ce", "RELATING TO OTHERS": "ro",
          "PROFESSIONAL EXPERTISE": "px", "PERFORMANCE MANAGEMENT": "pm"}
CLUSTERS = {"ORGANIZATIONAL CORE COMPETENCIES": ("organizational-core",
                                                 "Organizational Core Competencies"),
            "JOB FUNCTION CORE COMPETENCIES": ("job-function-core",
                                               "Job Function Core Competencies")}


def clean(s):
    s = re.sub(r"\[image:[^\]]*\]", "", s)
    s = re.sub(r"\[bookmark:[^\]]*\]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def seed(d, prefix):
    return open(glob.glob(os.path.join(d, prefix + "_*.txt"))[0], encoding="utf-8").read()


def sf(d):
    lines = seed(d, "002").split("\n")
    end = next(i for i, l in enumerate(lines) if l.strip() == "JOB FUNCTION CORE COMPETENCIES"
               and not l.startswith("\t"))
    lines = lines[:end]
    clusters, comp, mode = [], None, None
    for i, raw in enumerate(lines):
        t = raw.strip()
        if i < 20 or not t:
            continue
        if raw.startswith("\t") and t in CLUSTERS:
            clusters.append((CLUSTERS[t], []))
            continue
        if raw.startswith("\t") and t in SF_IDS:
            comp = {"id": SF_IDS[t], "name": t.title(), "definition": [], "subs": [],
                    "levels": []}
            clusters[-1][1].append(comp)
            mode = "header"
            continue
        if comp is None:
            continue
        if mode == "header":
            if t == "Definition" or re.match(r"^(Emerging|Developing|Acquired|Accomplished)"
                                             r" \(Year|^Mastery$", t):
                continue
            mode = "definition"
        if t.startswith("Subcompetencies"):
            mode = "subs"
            continue
        if mode == "definition":
            comp["definition"].append(t)
        elif raw.startswith("\t·"):
            mode = "levels"
            comp["levels"].append([clean(t[1:])])
        elif mode == "subs":
            comp["subs"].append(clean(t.lstrip("·")))
        elif mode == "levels":
            assert t.startswith("·"), (i, t)
            comp["levels"][-1].append(clean(t[1:]))
    out = []
    for (cid, cname), comps in clusters:
        out.append("  clusters {")
        out.append(f"    id: {q(cid)}")
        out.append(f"    name: {q(cname)}")
        for c in comps:
            assert len(c["levels"]) == 5, c["name"]
            out.append("    competencies {")
            out.append(f"      id: {q(c['id'])}")
            out.append(f"      name: {q(c['name'])}")
            out.append(f"      definition: {q(clean(' '.join(c['definition'])))}")
            for s in c["subs"]:
                out.append(f"      subcompetencies: {q(s)}")
            for (abbr, enum), inds in zip(LEVELS, c["levels"]):
                out.append(f"      levels {{")
                out.append(f"        level: {enum}")
                for n, text in enumerate(inds, 1):
                    ind_id = "%s.%s.%02d" % (c["id"], abbr, n)
                    out.append(f"        indicators {{ id: {q(ind_id)} text: {q(text)} }}")
                out.append("      }")
            out.append("    }")
        out.append("  }")
    return out


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def named_list(lines, sep):
    """Parses "Name <sep> definition" paragraphs; returns (name, definition) pairs."""
    items = []
    for t in lines:
        m = re.match(r"^(.{2,60}?) " + sep + r" (.*)$", t)
        if m:
            items.append((m.group(1).strip(), clean(m.group(2))))
        else:
            items.append((clean(t), ""))
    return items


def denver_block(text, start_line):
    lines = text.split("\n")
    i = start_line
    assert lines[i].startswith("Competencies, Knowledge, & Skills"), lines[i]
    paras, cur = [], []
    for l in lines[i + 1:]:
        if l.startswith("Physical Demands"):
            break
        if l.strip():
            paras.append(l.strip())
    # The CA2460 Leadership definition is split by a blank line (page break): join a
    # paragraph that starts in lower case to the previous one.
    joined = []
    for p in paras:
        if joined and p[0].islower():
            joined[-1] += " " + p
        else:
            joined.append(p)
    return named_list(joined, "–")


def nm_block(text):
    lines = [l.strip() for l in text.split("\n")]
    k = lines.index("Knowledge")
    s = lines.index("Skills")
    end = next(i for i in range(s, len(lines)) if lines[i].startswith("Statutory Requirements"))
    def paras(a, b):
        out = []
        for l in lines[a:b]:
            if not l or l.isupper():  # blank, or the page header repeated mid-list
                continue
            if out and l[0].islower():  # continuation after the page header
                out[-1] += " " + l
            else:
                out.append(l)
        return out
    sep = "(?:—|-)"
    return named_list(paras(k + 1, s), sep), named_list(paras(s + 1, end), sep)


UNKNOWN_SCALE = ("basis unspecified: the source gives no rating scale; an agency sets one "
                 "here (basis RULE_BASIS_AGENCY_CONFIGURED) before ratings can be recorded")
UNKNOWN_OVERALL = ("basis unspecified: the source states no rule for an overall rating; an "
                   "agency sets one here (basis RULE_BASIS_AGENCY_CONFIGURED)")


def scale_framework(fid, title, jur, codes, source, clusters, notes):
    out = ["frameworks {", f"  id: {q(fid)}", "  version: 1", f"  title: {q(title)}",
           f"  jurisdiction_id: {q(jur)}"]
    out += [f"  class_codes: {q(c)}" for c in codes]
    out += ["  kind: FRAMEWORK_KIND_SCALE_RATED", f"  source: {q(source)}"]
    for cid, cname, items, prefix in clusters:
        out += ["  clusters {", f"    id: {q(cid)}", f"    name: {q(cname)}"]
        for name, definition in items:
            words = name.split()
            ident = prefix + slug(" ".join(words[:4]) if not definition else name)
            out += ["    competencies {", f"      id: {q(ident)}", f"      name: {q(name)}"]
            if definition:
                out.append(f"      definition: {q(definition)}")
            out.append("    }")
        out.append("  }")
    out += ["  overall_rating_rule { note: " + q(UNKNOWN_OVERALL) + " }",
            "  rating_scale { note: " + q(UNKNOWN_SCALE) + " }"]
    out += [f"  notes: {q(n)}" for n in notes]
    out.append("}")
    return out


def main():
    d, outdir = sys.argv[1], sys.argv[2]
    hdr = ("# Generated from the source documents by services/appraisal/data/extract_frameworks.py"
           " and reviewed;\n# see docs/appraisal.md. Checked against the seeds by "
           "services/appraisal/data/frameworks_data_test.cc.\n")
    sfo = [hdr, "frameworks {", '  id: "sf-hsa-2944-anchors"', "  version: 1",
           '  title: "Performance Anchors for Case Carrying 2944 Protective Services Supervisor'
           ' in Family and Children’s Services"', '  jurisdiction_id: "sf-hsa"',
           '  class_codes: "2944"', "  kind: FRAMEWORK_KIND_INDICATOR_LEVELS",
           '  source: "seed 002_45aaaa08e3a1aed5.txt"']
    sfo += sf(d)
    names = ["Emerging", "Developing", "Acquired", "Accomplished", "Mastery"]
    tenure = [(0, 24), (24, 36), (36, 48), (48, 0), None]
    for (abbr, enum), name, t in zip(LEVELS, names, tenure):
        sfo.append(f"  levels {{ level: {enum} name: {q(name)}" +
                   (f" expected_by_tenure: true tenure_from_months: {t[0]}" +
                    (f" tenure_until_months: {t[1]}" if t[1] else "") if t else "") + " }")
    sfo += [
        "  demonstration_rule {",
        "    # basis unspecified: the source states no threshold (see note).",
        '    note: "The source states no threshold at which a level counts as demonstrated. Its'
        ' quick start guide says a person \\"should measure himself/herself against all the'
        ' behavior indicators in that column\\" and that ratings are assigned with \\"the'
        ' performance appraisal form\\", which is not among the source documents. Demonstrated'
        ' levels are not computed until an agency sets basis RULE_BASIS_AGENCY_CONFIGURED and'
        ' threshold_percent here."',
        "  }",
        '  overall_rating_rule { note: "basis unspecified: the source states no rule for an'
        ' overall rating (ratings are assigned with the performance appraisal form, which is not'
        ' among the source documents); an agency sets one here (basis'
        ' RULE_BASIS_AGENCY_CONFIGURED)" }',
        "  rating_scale { note: " + q(UNKNOWN_SCALE) + " }"]
    guide = [
        "Familiarize yourself with the competency definitions prior to meeting with staff.",
        "Select the appropriate proficiency level based on the staff tenure to identify the"
        " behavioral indicators that should be acquired within the performance year. For"
        " example, someone who has been an FCS 2944 Supervisor for 3.5 years would fall under"
        " the acquired proficiency level and should measure himself/herself against all the"
        " behavior indicators in that column for all competencies.",
        "Review the expected behaviors within that column for all competency clusters in order"
        " to set expectations, create SMART goals, evaluate performance, and coach staff.",
        "When evaluating performance for the formal appraisal process, utilize the performance"
        " anchors in conjunction with the performance appraisal form to assign ratings."]
    sfo += [f"  guidance: {q(g)}" for g in guide]
    sfo += [f"  notes: {q(n)}" for n in [
        "Level tenure ranges are the column headings: Emerging (Year 0<2), Developing (Year"
        " 2<3), Acquired (Year 3<4), Accomplished (Year 4+), Mastery (no tenure).",
        "The overview chart at the end of the source (OCR'd from an image, with noise) is not"
        " reproduced. It also lists Work Ethic, Effective Meetings, Case Management, Family"
        " Engagement and Case Collaboration/Teaming, which the body's subcompetency lists do"
        " not; the body's lists are used.",
        "An image marker inside a Critical Evaluation Developing indicator (ce.dev.05) was"
        " removed."]]
    sfo.append("}")
    open(os.path.join(outdir, "sf-hsa-2944-anchors.textproto"), "w").write("\n".join(sfo) + "\n")

    t004 = seed(d, "004")
    starts = [i for i, l in enumerate(t004.split("\n"))
              if l.startswith("Competencies, Knowledge, & Skills")]
    den = [hdr]
    for code, start, title in [("CA2459", starts[0], "Utilization Management Coordinator"),
                               ("CA2460", starts[1], "Lead Utilization Management Coordinator")]:
        items = denver_block(t004, start)
        den += scale_framework(
            f"denver-csa-{code.lower()}-competencies", f"{title} ({code}): Competencies,"
            " Knowledge, & Skills", "denver-csa", [code], "seed 004_c69427a32ae72049.txt",
            [("competencies", "Competencies, Knowledge, & Skills", items, "")],
            ["Named competencies carry the class specification's definition; the knowledge and"
             " skill statements have no separate name, so the statement is the name."])
    open(os.path.join(outdir, "denver-csa-competencies.textproto"), "w").write(
        "\n".join(den) + "\n")

    nm = [hdr]
    onet_note = ("The source lists O*NET knowledge and skills; several O*NET definitions are"
                 " truncated in the source and are kept as given, not completed.")
    for fid, pre, codes, title in [
            ("nm-spo-spps26-onet", "000", ["SPPS26"], "CPS Permanency Planning Supervisor"
             " (SPPS26): Knowledge and Skills (O*NET)"),
            ("nm-spo-spcp-onet", "001", ["SPCP20", "SPCP23"], "CPS Permanency Planning Worker"
             " series (SPCP20, SPCP23): Knowledge and Skills (O*NET)")]:
        k, s = nm_block(seed(d, pre))
        src = {"000": "seed 000_99a52118adeab444.txt", "001": "seed 001_2a09eaa7fadff117.txt"}[pre]
        nm += scale_framework(fid, title, "nm-spo", codes, src,
                              [("knowledge", "Knowledge", k, "k-"), ("skills", "Skills", s, "s-")],
                              [onet_note])
    open(os.path.join(outdir, "nm-spo-onet.textproto"), "w").write("\n".join(nm) + "\n")


if __name__ == "__main__":
    main()
