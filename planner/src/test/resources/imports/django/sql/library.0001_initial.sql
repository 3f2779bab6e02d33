BEGIN;
--
-- Create model Author
--
CREATE TABLE "library_author" ("id" bigserial NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL);
--
-- Create model Book
--
CREATE TABLE "library_book" ("id" bigserial NOT NULL PRIMARY KEY, "title" varchar(100) NOT NULL, "pages" integer NULL, "legacy" varchar(10) NULL);
COMMIT;
