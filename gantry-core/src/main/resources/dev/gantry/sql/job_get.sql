SELECT * FROM ${schema}.all_jobs WHERE id = ?
