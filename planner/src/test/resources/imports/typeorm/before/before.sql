-- The tables the imported Medusa migrations touch, as Medusa's earlier migrations left them (only the columns
-- and constraints these migrations rely on): written for the tests, not taken from Medusa.
CREATE TABLE "product_variant" ("id" character varying NOT NULL, "title" character varying NOT NULL,
  CONSTRAINT "PK_1ab69c9935c61f7c70791ae0a9f" PRIMARY KEY ("id"));
CREATE TABLE "product_option_value" ("id" character varying NOT NULL, "value" character varying NOT NULL,
  "variant_id" character varying NOT NULL, CONSTRAINT "PK_2ab71ed3b21be5800905c621535" PRIMARY KEY ("id"));
ALTER TABLE "product_option_value" ADD CONSTRAINT "FK_7234ed737ff4eb1b6ae6e6d7b01" FOREIGN KEY ("variant_id")
  REFERENCES "product_variant"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
CREATE TABLE "discount" ("id" character varying NOT NULL, "code" character varying NOT NULL,
  CONSTRAINT "PK_d05d8712e429673e459e7f1cddb" PRIMARY KEY ("id"));
CREATE TABLE "order" ("id" character varying NOT NULL, "email" character varying NOT NULL,
  CONSTRAINT "PK_1031171c13130102495201e3e20" PRIMARY KEY ("id"));
