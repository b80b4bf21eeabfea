"""The tenancy layer: one schema per tenant, under one codebase. It knows nothing of unions."""
from .binding import CrossTenantSession, NoTenantBound, TenantEngines, TenantSQLAlchemy, bind_session
from .registry import TenantRef
from .web import Tenancy, current_tenant, tenancy

__all__ = [
    "CrossTenantSession", "NoTenantBound", "Tenancy", "TenantEngines", "TenantRef", "TenantSQLAlchemy",
    "bind_session", "current_tenant", "tenancy",
]
