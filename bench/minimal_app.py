"""The yardstick of ``bench/throughput.py``: the least a Flask page listing 50 contracts from the
same database can do (one query, one Jinja template), served the same way (gunicorn, 2 workers).

``DATABASE_URL=... gunicorn --workers 2 bench.minimal_app:app``
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template
from jinja2 import DictLoader

engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
app = Flask(__name__)

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>合同</title></head>
<body><table><thead><tr><th>编号</th><th>名称</th><th>承接主体</th><th>开始</th><th>结束</th>
<th>金额</th><th>状态</th></tr></thead><tbody>
{% for r in rows %}<tr><td><a href="/contracts/{{ r.id }}">{{ r.number }}</a></td>
<td>{{ r.title }}</td><td>{{ r.name }}</td><td>{{ r.start_date }}</td><td>{{ r.end_date }}</td>
<td>{{ r.amount }}</td><td>{{ r.status }}</td></tr>{% endfor %}</tbody></table></body></html>"""
# A loaded template, as the app's are: compiled once per worker and cached by Jinja. (Flask's
# ``render_template_string`` compiles its source on every call: 1.1 of this page's 1.5 ms,
# measured, which made the yardstick slower than a minimal page is.)
app.jinja_loader = DictLoader({"contracts.html": PAGE})

QUERY = sa.text(
    "SELECT c.id, c.number, c.title, p.name, c.start_date, c.end_date, c.amount, c.status "
    "FROM contracts c JOIN providers p ON p.id = c.provider_id ORDER BY c.number DESC LIMIT 50")


@app.get("/contracts")
def contracts():
    with engine.connect() as connection:
        rows = connection.execute(QUERY).all()
    return render_template("contracts.html", rows=rows)
