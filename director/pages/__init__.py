"""Every CRUD page of the Director, in navigation order."""

from director.crud.config import CrudPage
from director.pages.agents import AGENTS, GROUPS, RELEASE_CODES, SKILLS, WRAP_UP_CODES
from director.pages.call_profiles import CALL_PROFILES
from director.pages.cti_webhooks import CTI_WEBHOOKS
from director.pages.database_connections import DATABASE_CONNECTIONS
from director.pages.routing import DNIS_PAGE, IRNS, SERVICES
from director.pages.users import USERS

PAGES: tuple[CrudPage, ...] = (
    DATABASE_CONNECTIONS,
    CALL_PROFILES,
    IRNS,
    DNIS_PAGE,
    SERVICES,
    GROUPS,
    AGENTS,
    SKILLS,
    RELEASE_CODES,
    WRAP_UP_CODES,
    USERS,
    CTI_WEBHOOKS,
)
