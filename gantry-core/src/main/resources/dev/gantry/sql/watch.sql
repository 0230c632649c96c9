-- Ask for a NOTIFY on the finished channel when this job finishes (awaitCompletion).
UPDATE ${schema}.jobs SET watched = true WHERE id = ? AND NOT watched
