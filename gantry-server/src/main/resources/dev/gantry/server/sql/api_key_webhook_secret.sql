-- A key's webhook signing secret (NULL for a key made before webhooks existed, until one is made).
SELECT webhook_secret
FROM ${schema}.api_keys
WHERE id = ?
