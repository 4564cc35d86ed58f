"""An outbound leg's events as futures; the keys its far end presses go to the flow once it asks for them."""

import asyncio

from media_worker.pjsua import events
from media_worker.pjsua.legs import Leg


def test_a_leg_resolves_its_futures_and_hands_on_dtmf_and_hold_only_when_asked():
    async def scenario():
        leg = Leg(asyncio.get_running_loop())
        leg(events.Dtmf(7, "5"))  # before the bridge: nobody listens, nothing breaks
        pressed: list[str] = []
        leg.on_dtmf = pressed.append
        leg(events.CallState(7, "EARLY", 180))
        leg(events.Dtmf(7, "#"))
        leg(events.TransferRequest(7, "sip:5000@host"))
        held: list[bool] = []
        leg(events.Hold(7, True))  # nobody asked yet
        leg.on_hold = held.append
        leg(events.Hold(7, True))
        leg(events.Hold(7, False))
        return leg, pressed, held

    leg, pressed, held = asyncio.run(scenario())
    assert pressed == ["#"] and held == [True, False]
    assert leg.ringing.result() == 180 and leg.refer.result() == "sip:5000@host"
    assert not leg.confirmed.done() and not leg.ended.done()
