ALTER TABLE "discount" ADD "valid_duration" character varying;
