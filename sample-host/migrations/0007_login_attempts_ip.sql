-- sample-host schema 7: the per-address login limit (failures from one IP, whatever the
-- emails) reads its window from an index instead of scanning every recent attempt,
-- which matters most during the very attack it limits.
CREATE INDEX login_attempts_ip ON login_attempts (ip, created_at);
