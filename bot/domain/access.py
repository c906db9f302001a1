"""Who may read a debate: one rule for every adapter.

Each adapter describes the person asking as a :class:`Viewer` (Discord from the member's permissions in the
server the command is used in, the web viewer from its signed link) and asks :func:`may_read`. The facts the
rule needs beyond the debate record (who else took part, the server's teacher role) are passed in as plain
values, so the rule is tested without a store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .records import DebateRecord

# ids in ASCII digits without leading zeros: one spelling per scope ("\u0664" is not 4, nor is "04")
ID_RE = r"[1-9][0-9]{0,17}"
LINK_KINDS = ("all", "debate", "student", "class")


@dataclass(frozen=True, slots=True)
class LinkScope:
    """What a signed web link grants.

    - ``all``: everything (the link ``counterpoint serve`` prints);
    - ``debate``: one debate (``debate_id``);
    - ``student``: the debates ``user_id`` took part in, in ``guild_id`` (None: any server);
    - ``class``: the debates of one class (``class_id``) and its report.
    """

    kind: str
    debate_id: int | None = None
    class_id: int | None = None
    guild_id: str | None = None
    user_id: str | None = None

    @classmethod
    def parse(cls, scope: str) -> LinkScope | None:
        """The scope a link's signed text names; None for one this version does not know (refused)."""
        if scope == "all":
            return cls("all")
        kind, _, rest = scope.partition(":")
        if kind == "debate" and re.fullmatch(ID_RE, rest):
            return cls("debate", debate_id=int(rest))
        if kind == "class" and re.fullmatch(ID_RE, rest):
            return cls("class", class_id=int(rest))
        if kind == "student":
            guild, sep, user = rest.partition(":")
            if sep and guild and user:
                return cls("student", guild_id=None if guild == "-" else guild, user_id=user)
        return None

    @property
    def lists_debates(self) -> bool:
        """Whether the scope covers a list of debates (an index page), not a single one."""
        return self.kind in ("all", "student", "class")

    def sees_class(self, class_id: int | None) -> bool:
        """The class's report and name: an ``all`` link, or the link of that class."""
        return class_id is not None and (self.kind == "all" or (self.kind == "class" and class_id == self.class_id))


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person (or link) asking to read.

    ``guild_id`` is the server the request comes from (None in a DM or on the web); ``moderator`` means
    Manage Threads there and ``manages_guild`` Manage Server; ``role_ids`` are the member's roles there.
    A web viewer has ``link`` set and nothing else.
    """

    user_id: str | None = None
    guild_id: str | None = None
    moderator: bool = False
    manages_guild: bool = False
    role_ids: frozenset[str] = field(default_factory=frozenset)
    link: LinkScope | None = None


def is_teacher(viewer: Viewer, teacher_role: str | None) -> bool:
    """A teacher of the viewer's server: Manage Server, or the teacher role set with ``/class setup``."""
    if viewer.guild_id is None:
        return False
    return viewer.manages_guild or (teacher_role is not None and teacher_role in viewer.role_ids)


def is_participant(debate: DebateRecord, user_id: str | None, participant_ids: frozenset[str] = frozenset()) -> bool:
    """The debater, or a teammate (only class team debates have more than one)."""
    return user_id is not None and (user_id == debate.user_id or user_id in participant_ids)


def may_read(
    debate: DebateRecord,
    viewer: Viewer,
    *,
    participant_ids: frozenset[str] = frozenset(),
    teacher_role: str | None = None,
) -> bool:
    """Whether the viewer may read the debate's transcript.

    A link: what its scope grants. A person: the debaters; moderators (Manage Threads) of the debate's
    server; and, for a class debate, the teachers of the class's server.
    """
    link = viewer.link
    if link is not None:
        if link.kind == "all":
            return True
        if link.kind == "debate":
            return debate.id == link.debate_id
        if link.kind == "class":
            return debate.class_id is not None and debate.class_id == link.class_id
        if link.kind == "student":
            if link.guild_id is not None and debate.guild_id != link.guild_id:
                return False
            return is_participant(debate, link.user_id, participant_ids)
        return False
    if is_participant(debate, viewer.user_id, participant_ids):
        return True
    here = viewer.guild_id is not None and debate.guild_id == viewer.guild_id
    if here and viewer.moderator:
        return True
    return here and debate.class_id is not None and is_teacher(viewer, teacher_role)


def needs_participants(debate: DebateRecord, viewer: Viewer) -> bool:
    """Whether :func:`may_read` can depend on the debate's other participants (so a caller may skip the read)."""
    if debate.class_id is None:
        return False  # only class team debates have more than one debater
    user = viewer.link.user_id if viewer.link is not None else viewer.user_id
    if viewer.link is not None and viewer.link.kind != "student":
        return False
    return user is not None and user != debate.user_id
