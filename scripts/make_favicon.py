"""Draw core/static/core/favicon.ico: the character 素 in white on the topbar's red, at 16, 32 and 48 pixels.

Run once after changing the design (needs Pillow and the Noto CJK fonts); the .ico is committed, the server only
serves it. favicon.svg beside it is the same design for browsers that take SVG icons.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SC_INDEX = 2  # Noto Sans CJK SC within the collection
RED = (0xB4, 0x23, 0x18, 255)
TARGET = Path(__file__).resolve().parents[1] / "src" / "suzhi" / "core" / "static" / "core" / "favicon.ico"


def draw(size: int = 256) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    canvas.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=RED)
    font = ImageFont.truetype(FONT, int(size * 0.74), index=SC_INDEX)
    canvas.text((size / 2, size / 2), "素", font=font, fill="white", anchor="mm")
    return image


def main() -> int:
    draw().save(TARGET, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
