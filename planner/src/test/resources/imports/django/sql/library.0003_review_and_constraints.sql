BEGIN;
--
-- Create model Review
--
CREATE TABLE "library_review" ("id" bigserial NOT NULL PRIMARY KEY, "stars" smallint NOT NULL, "book_id" bigint NOT NULL);
--
-- Create index library_book_title_idx on field(s) title of model book
--
CREATE INDEX "library_book_title_idx" ON "library_book" ("title");
--
-- Create constraint library_book_pages_gte_0 on model book
--
ALTER TABLE "library_book" ADD CONSTRAINT "library_book_pages_gte_0" CHECK ("pages" >= 0);
ALTER TABLE "library_review" ADD CONSTRAINT "library_review_book_id_3ba0bb54_fk_library_book_id" FOREIGN KEY ("book_id") REFERENCES "library_book" ("id") DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX "library_review_book_id_3ba0bb54" ON "library_review" ("book_id");
COMMIT;
