-- First statement of a limited claim: locks the queue's limit row until the claim commits, so that
-- the claims of one limited queue follow one another on every node (claims of unlimited queues
-- never take it). The claim itself is a statement of its own (limited_claim.sql) so that its
-- snapshot is taken after this lock is granted and sees every job the previous claim started.
-- No row: the queue has no limit (any more).
SELECT l.queue FROM ${schema}.queue_limits l WHERE l.queue = ? FOR UPDATE
