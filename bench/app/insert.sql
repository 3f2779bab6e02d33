INSERT INTO t (id, n, updated_at, payload) VALUES (nextval('t_app_id'), 0, now(), md5(random()::text) || md5(random()::text));
