ALTER TABLE "order" ADD "external_id" character varying;
