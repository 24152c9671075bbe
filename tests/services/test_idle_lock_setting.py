"""The idle lock's minutes: an office setting with a default, admins only, no 'never'."""

from __future__ import annotations

import pytest

from caseapp.services import settings
from caseapp.services.context import ServiceContext
from caseapp.services.errors import PermissionDenied, ValidationError
from caseapp.services.staff import actor_for


def test_default_range_and_who_may_change_it(
    demo_db: ServiceContext, facilitator_ctx: ServiceContext
) -> None:
    admin = demo_db.as_actor(actor_for(demo_db, "kevin"))
    assert settings.idle_lock_minutes(facilitator_ctx) == 15
    assert settings.save_idle_lock_minutes(admin, 7) == 7
    assert settings.idle_lock_minutes(facilitator_ctx) == 7
    for bad in (0, -5, 241, "10", 2.5, True, None):
        with pytest.raises(ValidationError) as refused:
            settings.save_idle_lock_minutes(admin, bad)
        assert refused.value.field == "idle_lock_minutes"
        assert "1 to 240 minutes" in refused.value.message
    with pytest.raises(PermissionDenied):
        settings.save_idle_lock_minutes(facilitator_ctx, 30)
    assert settings.idle_lock_minutes(facilitator_ctx) == 7
