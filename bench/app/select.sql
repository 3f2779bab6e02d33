\set id random(1, :maxid)
SELECT id, n, target, updated_at, payload FROM t WHERE id = :id;
