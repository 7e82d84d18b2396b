-- Placeholder, only on the "brief" branch: another branch adds the real 0004. The migration
-- loader wants versions 1..n without gaps, so 0005_briefing_seen needs a 0004 here. At merge,
-- delete this file (two files numbered 0004 make bundled_migrations() refuse to load, so it
-- cannot slip through) and renumber 0005 if the other 0004 has not landed.
CREATE TABLE IF NOT EXISTS schema_placeholder_0004 (id INTEGER PRIMARY KEY);
