BEGIN;
--
-- Add field isbn to book
--
ALTER TABLE "library_book" ADD COLUMN "isbn" varchar(13) DEFAULT '' NOT NULL;
ALTER TABLE "library_book" ALTER COLUMN "isbn" DROP DEFAULT;
--
-- Add field author to book
--
ALTER TABLE "library_book" ADD COLUMN "author_id" bigint NULL CONSTRAINT "library_book_author_id_d9a3b67e_fk_library_author_id" REFERENCES "library_author"("id") DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS "library_book_author_id_d9a3b67e_fk_library_author_id" IMMEDIATE;
--
-- Alter field title on book
--
ALTER TABLE "library_book" ALTER COLUMN "title" TYPE varchar(200);
--
-- Alter field pages on book
--
ALTER TABLE "library_book" ALTER COLUMN "pages" SET DEFAULT 0;
UPDATE "library_book" SET "pages" = 0 WHERE "pages" IS NULL;
ALTER TABLE "library_book" ALTER COLUMN "pages" SET NOT NULL;
ALTER TABLE "library_book" ALTER COLUMN "pages" DROP DEFAULT;
--
-- Remove field legacy from book
--
ALTER TABLE "library_book" DROP COLUMN "legacy" CASCADE;
CREATE INDEX "library_book_author_id_d9a3b67e" ON "library_book" ("author_id");
COMMIT;
