"""Redis key names; the Lua side (lua_common.py) builds the same names from the same prefix.

<prefix>seq                 counter: global event sequence (queue order, and the *_seq stamps)
<prefix>reservations        zset call -> reservation expiry (ms, Redis time), read by reconcile()
<prefix>call:<id>           hash service, priority, score, seq, entered_at (ms), skills (json
                            {skill: min level}), owner, state (waiting|reserved|connected), agent,
                            expires, waiting_seq, reserved_seq, trigger (enqueue|agent|requeue)
<prefix>agent:<id>          hash state, code, call, groups/skills/services (json), last_end (ms),
                            handled, avail_seq
<prefix>svc:<name>          hash strategy, ring_ms, max_len, after (no-answer state), rr (round robin)
<prefix>svc:<name>:q        zset waiting call -> (1100 - (service pri * 100 + call pri)) * 1e12 + seq: ZRANGE order is
                            priority desc, then entered first
<prefix>svc:<name>:qsk      hash waiting call -> required skills json (only calls that have some)
<prefix>svc:<name>:agents   zset agent -> group position * 1e6 + agent position (top_down order)
<prefix>svc:<name>:avail    set of the service's available agents
<prefix>svc:<name>:logged   set of the service's logged-in agents (no_agents when empty)
<prefix>svc:<name>:agroup   hash agent -> the group through which it serves the service
<prefix>agentq:<agent>      zset: the agent's personal queue (same scores as service queues)
<prefix>pqueues             set of agents whose personal queue may hold calls
<prefix>services, agents    sets of the configured names (prune, supervise)
<prefix>owner:<owner>       stream of messages to the process that owns calls (reserved, position,
                            moved, overflowed, no_agent)
<prefix>originate           stream of callback dial requests (one per attempt)
<prefix>epoch               set on the first configure: its absence means Redis lost the live state

Call hash, more fields: kind (call|callback), pagent (personal queue agent), priority, cb (json
destinations), cb_idx, cb_try, cb_last (ms), nosince (ms: no agent could take it since),
last_pos (last position sent to the owner). Service hash, more: pri, mqt_ms, ovf_kind/target,
na_kind/target, na_ms, cb_aband, cb_att, avg_wait, avg_gap, last_ans (ms).
Agent hash, more: extension, name, gsvcs (json group -> services), active (json services while
logged into one group), lgroup.
"""

from __future__ import annotations


class Keys:
    """All ACD keys start with `prefix` (tests use their own, e.g. 'ccweb:test:<uuid>:')."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def agent(self, agent: str) -> str:
        return f"{self.prefix}agent:{agent}"

    def call(self, call: str) -> str:
        return f"{self.prefix}call:{call}"

    def service(self, service: str) -> str:
        return f"{self.prefix}svc:{service}"

    def queue(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:q"

    def queue_skills(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:qsk"

    def service_agents(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:agents"

    def service_avail(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:avail"

    def service_logged(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:logged"

    def service_agent_group(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:agroup"

    def personal_queue(self, agent: str) -> str:
        return f"{self.prefix}agentq:{agent}"

    def owner_stream(self, owner: str) -> str:
        return f"{self.prefix}owner:{owner}"

    @property
    def originate(self) -> str:
        return f"{self.prefix}originate"

    @property
    def services(self) -> str:
        return f"{self.prefix}services"

    @property
    def agents(self) -> str:
        return f"{self.prefix}agents"

    @property
    def epoch(self) -> str:
        return f"{self.prefix}epoch"

    @property
    def reservations(self) -> str:
        return f"{self.prefix}reservations"

    @property
    def seq(self) -> str:
        return f"{self.prefix}seq"
