"""media_worker.pjsua.sdp: is there an audio codec in common with a re-offer (pure)."""

from media_worker.pjsua.sdp import codec_names, has_common_audio

ENABLED = codec_names(["PCMU/8000/1", "PCMA/8000/1", "speex/16000/1", "G722/16000/1"])


def offer(media: str) -> str:
    return "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" + media


def test_codec_names():
    assert ENABLED == {"pcmu", "pcma", "speex", "g722"}


def test_static_and_dynamic_formats():
    assert has_common_audio(offer("m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"), ENABLED)
    assert has_common_audio(offer("m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 speex/16000\r\n"), ENABLED)
    assert not has_common_audio(offer("m=audio 4000 RTP/AVP 18\r\n"), ENABLED)  # G.729 only
    assert not has_common_audio(
        offer("m=audio 4000 RTP/AVP 97 101\r\na=rtpmap:97 AMR/8000\r\na=rtpmap:101 telephone-event/8000\r\n"), ENABLED
    )  # DTMF alone is no codec


def test_offers_that_are_not_ours_to_refuse():
    assert has_common_audio(offer(""), ENABLED)  # no stream at all
    assert has_common_audio(offer("m=audio 0 RTP/AVP 18\r\n"), ENABLED)  # the stream is being removed
    assert has_common_audio("garbage", ENABLED)
    video_only = offer("m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n")
    assert has_common_audio(video_only, ENABLED)


def test_a_video_section_does_not_lend_its_rtpmap_to_audio():
    sdp = offer(
        "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 AMR/8000\r\nm=video 5000 RTP/AVP 97\r\na=rtpmap:97 speex/16000\r\n"
    )
    assert not has_common_audio(sdp, ENABLED)
