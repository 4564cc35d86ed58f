"""Just enough SDP to answer a re-offer sensibly (pure; no pjsua2).

pjsua2 answers a re-INVITE whose audio has no codec in common with a 500; RFC 3261 14.2 asks for 488 Not
Acceptable Here, which tells the far end to keep the current session. `has_common_audio` decides.
"""

from __future__ import annotations

from collections.abc import Iterable

# RFC 3551's static audio payload types (the dynamic ones are named by a=rtpmap)
STATIC_AUDIO = {0: "pcmu", 3: "gsm", 4: "g723", 8: "pcma", 9: "g722", 15: "g728", 18: "g729"}
NOT_A_CODEC = {"telephone-event", "cn", "red", "comfort-noise"}


def codec_names(codec_ids: Iterable[str]) -> frozenset[str]:
    """pjsua2 codec ids (`PCMU/8000/1`, `speex/16000`) → encoding names (`pcmu`, `speex`)."""
    return frozenset(codec_id.split("/", 1)[0].strip().lower() for codec_id in codec_ids if codec_id.strip())


def has_common_audio(sdp: str, enabled: frozenset[str]) -> bool:
    """False when the offer has an active audio stream none of whose formats is an enabled codec.

    An offer without an active audio stream (none, or `m=audio 0`, a stream being removed) is not ours to
    refuse: True. Unparsable text: True as well (pjsua2's own parser answers it)."""
    # one entry per m= section: the formats of an active audio stream (empty for any other section)
    streams: list[tuple[list[int], dict[int, str]]] = []
    for raw in sdp.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            parts = line[2:].split()
            audio = len(parts) >= 4 and parts[0] == "audio" and _port(parts[1]) > 0
            streams.append(([int(f) for f in parts[3:] if f.isdigit()] if audio else [], {}))
        elif line.startswith("a=rtpmap:") and streams:
            try:
                number, encoding = line[len("a=rtpmap:") :].split(None, 1)
                streams[-1][1][int(number)] = encoding.split("/", 1)[0].strip().lower()
            except ValueError:
                continue
    active = [stream for stream in streams if stream[0]]
    if not active:
        return True
    for formats, names in active:
        for payload in formats:
            name = names.get(payload) or STATIC_AUDIO.get(payload, "")
            if name and name not in NOT_A_CODEC and name in enabled:
                return True
    return False


def _port(text: str) -> int:
    try:
        return int(text.split("/", 1)[0])
    except ValueError:
        return 0
