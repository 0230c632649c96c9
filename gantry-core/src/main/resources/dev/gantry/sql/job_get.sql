-- One job by id; a tenant given (not null) must own it.
SELECT * FROM ${schema}.all_jobs WHERE id = ? AND (?::text IS NULL OR tenant = ?)
