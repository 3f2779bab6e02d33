\set id random(1, :maxid)
UPDATE t SET updated_at = now(), payload = md5(random()::text) || substr(payload, 33) WHERE id = :id;
