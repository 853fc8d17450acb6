"""Directory reader for OLE2 compound files (legacy .doc/.xls containers).

Only the entry names are read: that is all type detection needs.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

_CFB_MAXREGSECT = 0xFFFFFFFA
_CFB_ENDOFCHAIN = 0xFFFFFFFE
# Bounds chain walks so a crafted file with looping or huge chains cannot
# make detection spin; 50 MiB of 512-byte sectors is ~100k sectors.
_CFB_MAX_WALK = 200_000


def _ole2_entry_names(stream: BinaryIO) -> set[str]:
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512:
        raise ValueError("truncated header")
    sector_shift = struct.unpack_from("<H", header, 30)[0]
    if sector_shift not in (9, 12):
        raise ValueError(f"unsupported sector shift {sector_shift}")
    sector_size = 1 << sector_shift
    fat_count, first_dir = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)

    def read_sector(number: int) -> bytes:
        stream.seek((number + 1) * sector_size)
        data = stream.read(sector_size)
        if not data:
            raise ValueError(f"sector {number} beyond end of file")
        # Some writers truncate the final sector; the missing tail is unused.
        return data.ljust(sector_size, b"\0")

    fat_sectors = [
        s for s in struct.unpack_from("<109I", header, 76) if s <= _CFB_MAXREGSECT
    ]
    ints_per_sector = sector_size // 4
    next_difat, walked = first_difat, 0
    while len(fat_sectors) < fat_count and next_difat <= _CFB_MAXREGSECT:
        walked += 1
        if walked > max(difat_count, 1) or walked > _CFB_MAX_WALK:
            raise ValueError("DIFAT chain too long")
        entries = struct.unpack(f"<{ints_per_sector}I", read_sector(next_difat))
        fat_sectors.extend(s for s in entries[:-1] if s <= _CFB_MAXREGSECT)
        next_difat = entries[-1]
    fat_sectors = fat_sectors[:fat_count]

    def next_in_chain(number: int) -> int:
        index, offset = divmod(number, ints_per_sector)
        if index >= len(fat_sectors):
            raise ValueError(f"sector {number} not covered by FAT")
        return struct.unpack_from("<I", read_sector(fat_sectors[index]), offset * 4)[0]

    names: set[str] = set()
    seen: set[int] = set()
    sector = first_dir
    while sector <= _CFB_MAXREGSECT:
        if sector in seen or len(seen) >= _CFB_MAX_WALK:
            raise ValueError("directory chain loops")
        seen.add(sector)
        block = read_sector(sector)
        for start in range(0, sector_size, 128):
            entry = block[start : start + 128]
            name_len = struct.unpack_from("<H", entry, 64)[0]
            # Types 1, 2, 5 are storage, stream and root; 0 marks unused slots.
            if entry[66] in (1, 2, 5) and 2 <= name_len <= 64 and name_len % 2 == 0:
                names.add(entry[: name_len - 2].decode("utf-16-le", errors="replace"))
        sector = next_in_chain(sector)
    if sector != _CFB_ENDOFCHAIN:
        raise ValueError("directory chain does not terminate")
    return names
