import sys, time
import sqlalchemy as sa
from bench.city import make_app, _logins
app = make_app("postgresql+psycopg://postgres@127.0.0.1:5432/city_bench")
from app.extensions import db
sessions, survey = _logins(app, db)
with app.app_context():
    engine = db.engine
log = []
def before(conn, cur, st, params, ctx, many):
    conn.info["t"] = time.perf_counter()
def after(conn, cur, st, params, ctx, many):
    log.append(((time.perf_counter() - conn.info["t"]) * 1000, st, params))
sa.event.listen(engine, "before_cursor_execute", before)
sa.event.listen(engine, "after_cursor_execute", after)
role = sys.argv[1]
for url in sys.argv[2:]:
    url = url.format(survey=survey)
    get = sessions[role][2].get if url.startswith("/api") else sessions[role][1].get
    get(url); log.clear(); t = time.perf_counter(); get(url)
    print("=====", role, url, f"{(time.perf_counter()-t)*1000:.0f} ms")
    for ms, st, params in sorted(log, key=lambda x: -x[0])[:4]:
        print(f"  {ms:7.1f} ms  {' '.join(st.split())[:700]}  {str(params)[:200]}")
