def test_probe(app, db, inspection_world, as_user):
    b, _u = as_user("officer", region="a")
    for url in ["/evaluations/templates?code=%00", "/evaluations/checklists/%00", "/evaluations/templates?code=" + "x" * 10000,
                "/evaluations/inspections?from=0001-01-01&to=9999-12-31", "/evaluations/inspections/1/signatures/%00",
                "/evaluations/campaigns?page=%00", "/evaluations/inspections?page=-1&status=%00",
                "/evaluations/inspections/new/facilities?q=%00", "/evaluations/inspections/new/contracts?q=" + "%F0%9F%98%80" * 2000]:
        r = b.get(url)
        print(url[:60], r.status_code)
