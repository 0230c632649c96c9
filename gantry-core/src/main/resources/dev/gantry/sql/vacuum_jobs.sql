-- Removes the hot table's dead row versions and their index entries. Runs outside any transaction
-- (VACUUM cannot run in one); SKIP_LOCKED: if another vacuum of the table is under way (autovacuum,
-- or another node's), this one returns at once instead of waiting.
VACUUM (SKIP_LOCKED) ${schema}.jobs
