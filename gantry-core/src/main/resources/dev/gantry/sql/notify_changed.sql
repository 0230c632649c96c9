-- Tell watchers that these watched jobs changed (for statements that do not notify themselves).
SELECT pg_notify('${schema}_changed', t.id::text) FROM unnest(?::uuid[]) AS t(id)
