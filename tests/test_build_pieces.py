"""The gzip copy of a file joined from parts (plugins/mulu_directory/speedups/pieces.py): one
valid gzip member, the same bytes however it is made, deflated again only where the bytes changed."""

from __future__ import annotations

import gzip
import random
import subprocess

from mulu_directory.speedups import pieces


def parts_and_file(seed: int, count: int = 12) -> tuple[list[bytes], bytes]:
    """Parts of rows like a download's, each longer than deflate's 32 KiB window, joined as the
    JSON download joins them: between brackets, separated by commas."""
    rng = random.Random(seed)
    parts = [b"".join(b' {"name": "%d", "phone": "%d"}' % (rng.randrange(10**6), rng.randrange(10**11)) + b",\n"
                      for _ in range(rng.randrange(800, 3000))) for _ in range(count)]
    return parts, b"[\n" + b",\n".join(parts) + b"\n]"


def test_a_joined_file_is_one_gzip_member_the_gzip_tool_accepts(tmp_path):
    parts, data = parts_and_file(1)
    packed = pieces.gzip_in_pieces(data, parts)
    assert gzip.decompress(packed) == data
    copy = tmp_path / "registry.json.gz"
    copy.write_bytes(packed)
    assert subprocess.run(["gzip", "-t", str(copy)]).returncode == 0
    assert subprocess.run(["gzip", "-dc", str(copy)], capture_output=True).stdout == data
    assert len(packed) < len(gzip.compress(data, 6)) * 1.02  # as small as deflated whole


def test_a_changed_part_deflates_again_its_piece_and_the_next_only_if_its_last_32_kib_changed():
    parts, data = parts_and_file(2)
    deflated: list[list[bytes]] = []

    def recording(jobs):
        deflated.append([bytes(before) + bytes(piece) for before, piece in jobs])
        return pieces.deflate_pieces(jobs)

    def rebuilt(index: int, old: bytes, new: bytes, count: int = 1) -> list[int]:
        parts[index] = parts[index].replace(old, new, count)
        changed = b"[\n" + b",\n".join(parts) + b"\n]"
        packed = pieces.gzip_in_pieces(changed, parts, recording)
        assert gzip.decompress(packed) == changed
        assert packed == pieces.gzip_in_pieces(changed, parts)  # the same bytes as made afresh
        return [number for number, job in enumerate(deflated[-1]) if job not in deflated[-2]]

    pieces.gzip_in_pieces(data, parts, recording)
    assert len(deflated[0]) == len(parts)
    assert rebuilt(5, b'"phone": "', b'"phone": "021-') == [5]  # early in its part
    assert rebuilt(7, b"}", b', "note": ""}', -1) == [7, 8]  # every row: the next one's dictionary too


def test_parts_it_was_not_joined_from_still_give_a_valid_copy():
    parts, data = parts_and_file(3)
    assert gzip.decompress(pieces.gzip_in_pieces(data, [b"not in it", b"", *parts[3:]])) == data
    assert gzip.decompress(pieces.gzip_in_pieces(b"", [])) == b""


def test_a_file_of_many_parts_is_deflated_in_a_few_pieces_of_consecutive_parts():
    parts, data = parts_and_file(4, count=200)
    jobs = pieces.piece_jobs(data, parts)
    assert len(jobs) == 50  # four parts a piece: 64 at most
    assert b"".join(piece for _, piece in jobs) == data
    second = bytes(jobs[1][1])
    assert second.startswith(b",\n" + parts[4]) and second.endswith(parts[7])
    assert gzip.decompress(pieces.gzip_in_pieces(data, parts)) == data
