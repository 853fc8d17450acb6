"""Refusal of filenames that bear a classification marking (第十八条, R-0-3)."""

from __future__ import annotations

import os
import re
import unicodedata

from .refs import CODE_CLASSIFIED, DocumentRejected

CLASSIFIED_RULE = "R-0-3"
CLASSIFIED_ARTICLE = "第十八条"

_LEVELS = "绝密|机密|秘密"
# A level word only counts as a marking when it stands as its own token:
# "数据机密性保护方案" or "关于保守国家秘密工作的通知" are ordinary titles,
# whereas "（机密）", "机密-方案" or "方案_秘密" are markings.
_SEPARATORS = r"\s_\-—–·.,，、:：;；+()（）\[\]【】〔〕{}<>《》「」『』\"'“”‘’★☆"
_LEVEL_TOKEN_RE = re.compile(
    rf"(?:^|(?<=[{_SEPARATORS}]))({_LEVELS})(?=$|[{_SEPARATORS}])"
)
# "★" is the separator of a standard classification marking such as
# "机密★5年" (GB/T 9704); its presence alone is treated as a marking because
# letting a marked document through is far worse than asking for a rename.
_STAR = "★"


def find_classification_marker(filename: str) -> str | None:
    """Return the classification marking found in *filename*, if any."""
    # NFKC folds full-width/compatibility forms; format characters (e.g.
    # zero-width spaces) are dropped so they cannot split a marker.
    folded = unicodedata.normalize("NFKC", filename)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    if _STAR in folded:
        match = re.search(rf"(?:{_LEVELS})?\s*{_STAR}", folded)
        return match.group(0) if match else _STAR
    stem = os.path.splitext(folded)[0]
    match = _LEVEL_TOKEN_RE.search(stem)
    return match.group(1) if match else None


def _refuse_if_classified(filename: str) -> None:
    marker = find_classification_marker(filename)
    if marker is None:
        return
    raise DocumentRejected(
        CODE_CLASSIFIED,
        f"文件名含有密级标志“{marker}”。根据{CLASSIFIED_ARTICLE}及规则 {CLASSIFIED_RULE}，"
        "本系统为非涉密信息系统，严禁存储、处理涉密信息，请勿上传涉密文件。",
        {"filename": filename, "marker": marker},
        rule=CLASSIFIED_RULE,
        article=CLASSIFIED_ARTICLE,
    )
