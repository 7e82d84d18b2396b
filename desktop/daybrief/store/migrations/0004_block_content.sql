-- Schema 4: a source's last good content kept block by block, so a re-import that changed
-- 1 % of the events writes those blocks (and a small layout) instead of the whole file.
--
-- source_blocks.data: the bytes of that VEVENT block; NULL in rows written before schema 4.
-- source_content.layout: NULL means `data` is the whole file (as before schema 4; such a
-- source is stored block by block from its next import on). Otherwise `data` holds only the
-- bytes outside the VEVENT blocks, and `layout` lists the blocks in file order, 20 bytes
-- each: how many of those outside bytes come before the block (4 bytes, little-endian),
-- then the block's digest (16 bytes). Existing rows stay valid as they are.

ALTER TABLE source_blocks ADD COLUMN data BLOB;
ALTER TABLE source_content ADD COLUMN layout BLOB;
