"""Extensions, created unbound here and bound to the app in the factory."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy as _SQLAlchemy
from flask_wtf import CSRFProtect

from app.db import Base
from app.integrity import Session
from app.validation import BoundedPaging


class SQLAlchemy(BoundedPaging, _SQLAlchemy):
    """Flask-SQLAlchemy with ``?page=`` kept in range."""


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
