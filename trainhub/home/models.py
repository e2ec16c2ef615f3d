"""Facts about the deployment that every host compares (the shared uploads folder's mark)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model


class DeploymentMarker(Model):
    """A named random value; the uploads folder holds a file with the same value, so a host
    whose folder is not the shared one sees a different (or no) file."""

    __tablename__ = "deployment_markers"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(64))
