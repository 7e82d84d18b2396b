-- Placeholder, only on the "brief" branch: another branch adds the real 0004. The migration
-- loader wants versions 1..n without gaps, so 0005_briefing_seen needs a 0004 here. At merge,
-- delete this file (two files numbered 0004 make bundled_migrations() refuse to load, so it
-- cannot slip through) and renumber 0005 if the other 0004 has not landed.
-- It changes nothing: a statement that reads, so the schema is exactly that of 0003.
SELECT 'placeholder for 0004';
