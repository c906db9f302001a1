-- Per-turn time limits (Discord): the limit chosen at the start and the current turn's deadline, so that a
-- restarted bot re-arms its timers; the index finds a debate from the thread or DM it runs in.
ALTER TABLE debates ADD COLUMN turn_seconds INTEGER;
ALTER TABLE debates ADD COLUMN deadline TEXT;
CREATE INDEX debates_deadline ON debates (deadline) WHERE deadline IS NOT NULL;
CREATE INDEX debates_channel ON debates (platform, channel_id, status);
