"""Every CRUD page of the Director, in navigation order."""

from ccweb.director.crud.config import CrudPage
from ccweb.director.pages.agents import AGENTS, GROUPS, SKILLS
from ccweb.director.pages.call_profiles import CALL_PROFILES
from ccweb.director.pages.database_connections import DATABASE_CONNECTIONS
from ccweb.director.pages.routing import DNIS_PAGE, IRNS, SERVICES

PAGES: tuple[CrudPage, ...] = (
    DATABASE_CONNECTIONS,
    CALL_PROFILES,
    IRNS,
    DNIS_PAGE,
    SERVICES,
    GROUPS,
    AGENTS,
    SKILLS,
)
