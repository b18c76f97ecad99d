"""Which font each part of the document asks for in the DOCX.

GB/T 9704 names the official faces (方正小标宋 title, 黑体 / 楷体 headings, 仿宋_GB2312 body, 宋体 page numbers).
A DOCX only names its fonts, so it names the official face when this machine has it and else the Noto CJK face
Debian's fonts-noto-cjk installs, which is what the PDF is set in here too. Without fontconfig nothing can be
known, and the official names are the better guess for the Windows machines the document is usually opened on.
The HTML and PDF need none of this: their CSS lists the same faces in order and the renderer takes the first one
present.
"""

import functools
import shutil
import subprocess
from typing import Literal

Role = Literal["title", "heading1", "heading2", "body", "page_number"]

# Official faces first, in order of preference; the last entry is the Noto CJK fallback.
CANDIDATES: dict[Role, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "SimSun", "宋体", "Noto Serif CJK SC"),
    "heading1": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "heading2": ("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312", "Noto Serif CJK SC"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "Noto Serif CJK SC"),
    "page_number": ("宋体", "SimSun", "Noto Serif CJK SC"),
}


@functools.cache
def installed_families() -> frozenset[str] | None:
    """Every family name fontconfig knows (each localised name of a face counts), or None without fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        # A fixed argument list, no shell: nothing from the plan reaches the command line.
        result = subprocess.run(  # noqa: S603
            [fc_list, "--format", "%{family}\n"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    names = {name.strip() for line in result.stdout.splitlines() for name in line.split(",")}
    return frozenset(name for name in names if name)


def font_for(role: Role) -> str:
    """The first official face of `role` installed here; the Noto fallback if none is; the first official name
    when the installed fonts cannot be listed."""
    candidates = CANDIDATES[role]
    families = installed_families()
    if families is None:
        return candidates[0]
    return next((name for name in candidates[:-1] if name in families), candidates[-1])


def is_fallback(font: str) -> bool:
    return font.startswith("Noto ")
