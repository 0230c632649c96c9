UPDATE ${schema}.jobs
SET progress_percent = ?, progress_message = ?
WHERE id = ? AND state = 'running' AND lease_token = ?
