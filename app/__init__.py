"""CareProcure core: the factory and what every feature stands on."""

from app.factory import create_app

__all__ = ["create_app"]
