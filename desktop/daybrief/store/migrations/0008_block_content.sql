-- Schema 4: a source's last good content kept block by block, so a re-import that changed
-- 1 % of the events writes those blocks (and a small layout) instead of the whole file.
--
-- source_blocks.data: the bytes of that VEVENT block; NULL in rows written before schema 4.
-- source_content.layout: NULL means `data` is the whole file (as before schema 4; such a
-- source is stored block by block from its next import on). Otherwise `data` holds only the
-- bytes outside the VEVENT blocks, and `layout` lists the blocks in file order: first, per
-- block, how many of those outside bytes come before it (8 bytes, little-endian), then the
-- digest of every block (16 bytes each). Existing rows stay valid as they are.
--
-- source_blocks.span_start/span_end: naive UTC times (ISO text) that surely hold every
-- occurrence the block's event can produce, so a window moved to the next day re-reads
-- only the events that can have occurrences in the days it gained. NULL: any time (a
-- series, or not known: rows written before schema 4); '' and '': never (no event read).

ALTER TABLE source_blocks ADD COLUMN data BLOB;
ALTER TABLE source_blocks ADD COLUMN span_start TEXT;
ALTER TABLE source_blocks ADD COLUMN span_end TEXT;
ALTER TABLE source_content ADD COLUMN layout BLOB;
