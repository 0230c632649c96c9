-- The database's clock (the transaction's start), the only clock schedules are computed from.
SELECT now()
